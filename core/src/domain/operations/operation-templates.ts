import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import type { Db } from "../../persistence/db.ts";
import { OperationTemplate } from "../../persistence/operation.entity.ts";
import {
  deleteOperationTemplate,
  findOperationTemplate,
  listOperationTemplates as listTemplateRows,
} from "../../persistence/operation-template.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { templatePlaceholders } from "./operation-data.ts";

/** Failures after which an operation ends FAILED: at least one, at most what a 32-bit count holds sensibly. */
const MAX_FAILURE_COUNT_LIMIT = 1000;
/** A year: an operation waiting longer is not an approval any more. */
const MAX_EXPIRATION_SECONDS = 365 * 24 * 3600;

/** A template as the domain hands it out. */
export interface OperationTemplateValue {
  templateName: string;
  operationType: string;
  dataTemplate: string;
  signatureTypes: SignatureType[];
  maxFailureCount: number;
  /** Seconds. */
  expiration: number;
}

/**
 * Creates a template (CreateOperationTemplate). Its rules are checked here, once, so that every operation
 * created from it can be filled, approved and expired: a well-formed data template, at least one signature
 * type, a positive failure limit and lifetime. The name is unique (ERR0039).
 */
export async function createOperationTemplate(db: Db, input: OperationTemplateValue): Promise<OperationTemplateValue> {
  const template = validTemplate(input);
  return db.transaction(async (tx) => {
    if (await findOperationTemplate(tx, template.templateName)) throw new ServiceError(ServiceErrors.OPERATION_TEMPLATE_ALREADY_EXISTS);
    tx.persist(tx.create(OperationTemplate, { ...template, timestampCreated: new Date() }));
    return template;
  });
}

/** Every template by name (ListOperationTemplates). */
export async function listOperationTemplates(db: Db): Promise<OperationTemplateValue[]> {
  return db.read(async (tx) => (await listTemplateRows(tx)).map(toTemplateValue));
}

/** One template (GetOperationTemplate); ERR0033 when there is none of that name. */
export async function getOperationTemplate(db: Db, templateName: string): Promise<OperationTemplateValue> {
  return db.read(async (tx) => {
    const template = await findOperationTemplate(tx, templateName);
    if (!template) throw new ServiceError(ServiceErrors.OPERATION_TEMPLATE_NOT_FOUND);
    return toTemplateValue(template);
  });
}

/**
 * Replaces everything but the name (UpdateOperationTemplate), under the same rules as creation. Operations
 * already created keep the data, signature types and limits they were created with.
 */
export async function updateOperationTemplate(db: Db, input: OperationTemplateValue): Promise<OperationTemplateValue> {
  const template = validTemplate(input);
  return db.transaction(async (tx) => {
    const row = await findOperationTemplate(tx, template.templateName);
    if (!row) throw new ServiceError(ServiceErrors.OPERATION_TEMPLATE_NOT_FOUND);
    tx.assign(row, { ...template, timestampLastUpdated: new Date() });
    return template;
  });
}

/** Removes a template (RemoveOperationTemplate); ERR0033 when there is none. Its operations stay as they are. */
export async function removeOperationTemplate(db: Db, templateName: string): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await deleteOperationTemplate(tx, templateName))) throw new ServiceError(ServiceErrors.OPERATION_TEMPLATE_NOT_FOUND);
  });
}

/** The template as created from it: its columns as the domain value. */
export function toTemplateValue(row: OperationTemplate): OperationTemplateValue {
  return {
    templateName: row.templateName,
    operationType: row.operationType,
    dataTemplate: row.dataTemplate,
    signatureTypes: row.signatureTypes as SignatureType[],
    maxFailureCount: row.maxFailureCount,
    expiration: row.expiration,
  };
}

function validTemplate(input: OperationTemplateValue): OperationTemplateValue {
  const invalid = (reason: string) => new ServiceError(ServiceErrors.INVALID_REQUEST, { cause: new Error(reason) });
  if (input.signatureTypes.length === 0) throw invalid("signatureTypes must not be empty");
  if (!Number.isInteger(input.maxFailureCount) || input.maxFailureCount < 1 || input.maxFailureCount > MAX_FAILURE_COUNT_LIMIT) {
    throw invalid(`maxFailureCount must be between 1 and ${MAX_FAILURE_COUNT_LIMIT}`);
  }
  if (!Number.isInteger(input.expiration) || input.expiration < 1 || input.expiration > MAX_EXPIRATION_SECONDS) {
    throw invalid(`expiration must be between 1 and ${MAX_EXPIRATION_SECONDS} seconds`);
  }
  // Throws on an unclosed or empty placeholder, so a broken template never reaches an operation.
  templatePlaceholders(input.dataTemplate);
  return { ...input, signatureTypes: [...new Set(input.signatureTypes)] };
}
