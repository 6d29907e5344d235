import { create } from "@bufbuild/protobuf";
import {
  ApproveOperationResponseSchema,
  CancelOperationResponseSchema,
  CreateOperationResponseSchema,
  CreateOperationTemplateResponseSchema,
  FailApprovalOperationResponseSchema,
  GetOperationResponseSchema,
  GetOperationTemplateResponseSchema,
  ListOperationTemplatesResponseSchema,
  ListOperationsResponseSchema,
  OperationSchema,
  OperationStatus as ProtoOperationStatus,
  OperationTemplateSchema,
  RejectOperationResponseSchema,
  RemoveOperationTemplateResponseSchema,
  UpdateOperationTemplateResponseSchema,
  UserActionResult as ProtoUserActionResult,
} from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import type {
  ApproveOperationRequest,
  CancelOperationRequest,
  CreateOperationRequest,
  FailApprovalOperationRequest,
  GetOperationRequest,
  ListOperationsRequest,
  OperationTemplate as ProtoOperationTemplate,
  RejectOperationRequest,
} from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import type { OperationTemplateValue } from "../domain/operations/operation-templates.ts";
import { OperationStatus } from "../domain/operations/operations.ts";
import type { CreateOperationInput, OperationRecord, OperationStatusName, UserActionOutcome } from "../domain/operations/operations.ts";
import { toProtoOptionalTimestamp, toProtoStoredSignatureType, toProtoTimestamp } from "./common.mapping.ts";
import { invalidRequest } from "./errors.ts";
import {
  optionalActivationId,
  optionalText,
  optionalTimestamp,
  requireSignatureType,
  requireText,
  requireTextList,
  requireTextMap,
  requireUuidId,
  MAX_SIGNED_DATA_LENGTH,
} from "./validation.ts";

/** The proto ⇄ domain mapping of OperationService. */

/** Largest page of ListOperations; 0 asks for the default. */
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

export function fromProtoOperationTemplate(template: ProtoOperationTemplate | undefined): OperationTemplateValue {
  if (!template) throw invalidRequest("template is required");
  return {
    templateName: requireText(template.templateName, "templateName"),
    operationType: requireText(template.operationType, "operationType"),
    dataTemplate: requireText(template.dataTemplate, "dataTemplate", MAX_SIGNED_DATA_LENGTH),
    signatureTypes: template.signatureTypes.map((type) => requireSignatureType(type, "signatureTypes")),
    maxFailureCount: template.maxFailureCount,
    expiration: Number(template.expiration),
  };
}

export function fromProtoTemplateName(request: { templateName: string }): string {
  return requireText(request.templateName, "templateName");
}

function toProtoTemplate(template: OperationTemplateValue) {
  return create(OperationTemplateSchema, {
    templateName: template.templateName,
    operationType: template.operationType,
    dataTemplate: template.dataTemplate,
    signatureTypes: template.signatureTypes.map(toProtoStoredSignatureType),
    maxFailureCount: template.maxFailureCount,
    expiration: BigInt(template.expiration),
  });
}

export function toProtoCreateOperationTemplate(template: OperationTemplateValue) {
  return create(CreateOperationTemplateResponseSchema, { template: toProtoTemplate(template) });
}

export function toProtoUpdateOperationTemplate(template: OperationTemplateValue) {
  return create(UpdateOperationTemplateResponseSchema, { template: toProtoTemplate(template) });
}

export function toProtoGetOperationTemplate(template: OperationTemplateValue) {
  return create(GetOperationTemplateResponseSchema, { template: toProtoTemplate(template) });
}

export function toProtoListOperationTemplates(templates: OperationTemplateValue[]) {
  return create(ListOperationTemplatesResponseSchema, { templates: templates.map(toProtoTemplate) });
}

export function toProtoRemoveOperationTemplate() {
  return create(RemoveOperationTemplateResponseSchema, {});
}

export function fromProtoCreateOperation(request: CreateOperationRequest): CreateOperationInput {
  return {
    userId: optionalText(request.userId, "userId"),
    applications: requireTextList(request.applications, "applications"),
    templateName: requireText(request.templateName, "templateName"),
    externalId: optionalText(request.externalId, "externalId"),
    parameters: requireTextMap(request.parameters, "parameters"),
    timestampExpires: optionalTimestamp(request.timestampExpires),
    activationId: optionalActivationId(request.activationId),
    additionalData: requireTextMap(request.additionalData, "additionalData"),
    activationFlag: optionalText(request.activationFlag, "activationFlag"),
  };
}

export function toProtoOperation(operation: OperationRecord) {
  return create(OperationSchema, {
    id: operation.id,
    userId: operation.userId ?? undefined,
    applications: operation.applications,
    operationType: operation.operationType,
    data: operation.data,
    parameters: operation.parameters,
    additionalData: operation.additionalData,
    status: toProtoOperationStatus(operation.status),
    statusReason: operation.statusReason ?? undefined,
    signatureType: operation.signatureType.map(toProtoStoredSignatureType),
    failureCount: operation.failureCount,
    maxFailureCount: operation.maxFailureCount,
    timestampCreated: toProtoTimestamp(operation.timestampCreated),
    timestampExpires: toProtoTimestamp(operation.timestampExpires),
    timestampFinalized: toProtoOptionalTimestamp(operation.timestampFinalized),
    externalId: operation.externalId ?? undefined,
    templateName: operation.templateName,
    activationId: operation.activationId ?? undefined,
    activationFlag: operation.activationFlag ?? undefined,
  });
}

/** A stored status the enum does not know is reported as UNSPECIFIED. */
function toProtoOperationStatus(status: string): ProtoOperationStatus {
  const value = (ProtoOperationStatus as Record<string, ProtoOperationStatus | string>)[status];
  return typeof value === "number" ? value : ProtoOperationStatus.UNSPECIFIED;
}

export function toProtoCreateOperation(operation: OperationRecord) {
  return create(CreateOperationResponseSchema, { operation: toProtoOperation(operation) });
}

export function fromProtoGetOperation(request: GetOperationRequest) {
  return { operationId: requireUuidId(request.operationId, "operationId"), userId: optionalText(request.userId, "userId") };
}

export function toProtoGetOperation(operation: OperationRecord) {
  return create(GetOperationResponseSchema, { operation: toProtoOperation(operation) });
}

export function fromProtoListOperations(request: ListOperationsRequest) {
  if (request.pageNumber < 0) throw invalidRequest("pageNumber must not be negative");
  if (request.pageSize < 0 || request.pageSize > MAX_PAGE_SIZE) throw invalidRequest(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  return {
    userId: requireText(request.userId, "userId"),
    applicationId: requireText(request.applicationId, "applicationId"),
    status: fromProtoOperationStatus(request.status),
    pageNumber: request.pageNumber,
    pageSize: request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize,
  };
}

/** UNSPECIFIED = any status; a number the enum does not know is malformed. */
function fromProtoOperationStatus(status: ProtoOperationStatus): OperationStatusName | undefined {
  if (status === ProtoOperationStatus.UNSPECIFIED) return undefined;
  const name = ProtoOperationStatus[status];
  const found = Object.values(OperationStatus).find((value) => value === name);
  if (!found) throw invalidRequest("status is not an operation status");
  return found;
}

export function toProtoListOperations(operations: OperationRecord[]) {
  return create(ListOperationsResponseSchema, { operations: operations.map(toProtoOperation) });
}

function fromProtoActor(request: { operationId: string; userId: string; applicationId: string; activationId?: string }) {
  return {
    operationId: requireUuidId(request.operationId, "operationId"),
    userId: requireText(request.userId, "userId"),
    applicationId: requireText(request.applicationId, "applicationId"),
    activationId: optionalActivationId(request.activationId),
  };
}

export function fromProtoApproveOperation(request: ApproveOperationRequest) {
  return {
    ...fromProtoActor(request),
    data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
    signatureType: requireSignatureType(request.signatureType),
    additionalData: requireTextMap(request.additionalData, "additionalData"),
  };
}

export function fromProtoRejectOperation(request: RejectOperationRequest) {
  return { ...fromProtoActor(request), additionalData: requireTextMap(request.additionalData, "additionalData") };
}

export function fromProtoFailApprovalOperation(request: FailApprovalOperationRequest) {
  return {
    operationId: requireUuidId(request.operationId, "operationId"),
    additionalData: requireTextMap(request.additionalData, "additionalData"),
  };
}

export function fromProtoCancelOperation(request: CancelOperationRequest) {
  return {
    operationId: requireUuidId(request.operationId, "operationId"),
    statusReason: optionalText(request.statusReason, "statusReason"),
    additionalData: requireTextMap(request.additionalData, "additionalData"),
  };
}

function toProtoUserActionResult(result: UserActionOutcome["result"]): ProtoUserActionResult {
  return ProtoUserActionResult[result];
}

export function toProtoApproveOperation(outcome: UserActionOutcome) {
  return create(ApproveOperationResponseSchema, { result: toProtoUserActionResult(outcome.result), operation: toProtoOperation(outcome.operation) });
}

export function toProtoRejectOperation(outcome: UserActionOutcome) {
  return create(RejectOperationResponseSchema, { result: toProtoUserActionResult(outcome.result), operation: toProtoOperation(outcome.operation) });
}

export function toProtoFailApprovalOperation(outcome: UserActionOutcome) {
  return create(FailApprovalOperationResponseSchema, {
    result: toProtoUserActionResult(outcome.result),
    operation: toProtoOperation(outcome.operation),
  });
}

export function toProtoCancelOperation(operation: OperationRecord) {
  return create(CancelOperationResponseSchema, { operation: toProtoOperation(operation) });
}
