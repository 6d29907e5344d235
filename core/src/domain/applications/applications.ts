import { randomBytes } from "node:crypto";
import { encodeBase64 } from "../../crypto/bytes.ts";
import { encodePublicKey, generateKeyPair } from "../../crypto/ec-keys.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { Application, ApplicationVersion, MasterKeypair } from "../../persistence/application.entity.ts";
import {
  findApplicationById,
  findApplicationByName,
  findLatestMasterKeypair,
  findVersionByApplicationKey,
  findVersionById,
  listApplicationsInCreationOrder,
  listVersionsOfApplication,
} from "../../persistence/application.repository.ts";
import { isUniqueViolation } from "../../persistence/errors.ts";
import { sealMasterPrivateKey } from "../activations/application-keys.ts";
import { DuplicateApplicationError, ServiceError, ServiceErrors } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";

export interface ApplicationSummary {
  id: number;
  name: string;
  roles: string[];
}

export interface ApplicationVersionView {
  id: number;
  name: string;
  applicationKey: string;
  applicationSecret: string;
  supported: boolean;
}

export interface ApplicationDetail extends ApplicationSummary {
  /** Base64 of the uncompressed P-256 point of the newest master key pair. */
  masterPublicKey: string;
  versions: ApplicationVersionView[];
}

/** Name of the version every new application starts with (the reference's default). */
export const DEFAULT_VERSION_NAME = "default";

/** 16 random bytes in Base64: the reference's appKey and appSecret format (24 characters). */
function newApplicationCredential(): string {
  return encodeBase64(randomBytes(16));
}

/**
 * Creates an application with its first master key pair and a supported version `default`, all in one
 * transaction. A duplicate name is refused with `duplicate` (the caller decides how its surface reports it).
 */
export async function createApplication(db: Db, keys: MasterDbKeys, input: { name: string; roles?: string[] }): Promise<ApplicationDetail> {
  try {
    return await db.transaction(async (tx) => {
      const application = tx.create(Application, { name: input.name, roles: normalizeRoles(input.roles ?? []) });
      await tx.flush();
      const keyPair = generateKeyPair();
      const masterKeyPublicBase64 = encodeBase64(encodePublicKey(keyPair.publicKey));
      tx.create(MasterKeypair, {
        applicationId: application.id,
        name: `${input.name} Default Keypair`,
        ...sealMasterPrivateKey(keys, { applicationId: application.id, masterKeyPublicBase64 }, keyPair.privateKey),
        masterKeyPublicBase64,
      });
      tx.create(ApplicationVersion, {
        applicationId: application.id,
        name: DEFAULT_VERSION_NAME,
        applicationKey: newApplicationCredential(),
        applicationSecret: newApplicationCredential(),
        supported: true,
      });
      await tx.flush();
      return loadDetail(tx, application);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateApplicationError(input.name);
    throw error;
  }
}

export async function listApplications(db: Db): Promise<ApplicationSummary[]> {
  return db.read(async (tx) => (await listApplicationsInCreationOrder(tx)).map(toSummary));
}

/** Detail of an application by its numeric id (SOAP/gRPC) or `null` when there is none. */
export async function findApplicationDetailById(db: Db, id: number): Promise<ApplicationDetail | null> {
  return db.read(async (tx) => {
    const application = await findApplicationById(tx, id);
    return application ? loadDetail(tx, application) : null;
  });
}

/** Detail of an application by its name (the Cloud Admin API's application id) or `null`. */
export async function findApplicationDetailByName(db: Db, name: string): Promise<ApplicationDetail | null> {
  return db.read(async (tx) => {
    const application = await findApplicationByName(tx, name);
    return application ? loadDetail(tx, application) : null;
  });
}

/** How GetApplicationDetail names the application: by its numeric id, or by its name. */
export type ApplicationReference = { id: number } | { name: string };

/** Detail by numeric id or name, or ERR0015 as the reference answers for an unknown application. */
export async function getApplicationDetail(db: Db, reference: ApplicationReference): Promise<ApplicationDetail> {
  const detail = "id" in reference ? await findApplicationDetailById(db, reference.id) : await findApplicationDetailByName(db, reference.name);
  if (!detail) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
  return detail;
}

/** The application owning an application key (any version, supported or not), or ERR0015. */
export async function lookupApplicationByAppKey(db: Db, applicationKey: string): Promise<{ applicationId: number }> {
  return db.read(async (tx) => {
    const version = await findVersionByApplicationKey(tx, applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    return { applicationId: version.applicationId };
  });
}

/** Adds a supported version with fresh credentials to an existing application. */
export async function createApplicationVersion(
  db: Db,
  input: { applicationId: number; versionName: string },
): Promise<ApplicationVersionView> {
  return db.transaction(async (tx) => {
    const application = await findApplicationById(tx, input.applicationId);
    if (!application) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    const version = tx.create(ApplicationVersion, {
      applicationId: application.id,
      name: input.versionName,
      applicationKey: newApplicationCredential(),
      applicationSecret: newApplicationCredential(),
      supported: true,
    });
    await tx.flush();
    return toVersionView(version);
  });
}

/** Marks a version supported or not; unsupported versions can no longer sign or activate. */
export async function setApplicationVersionSupported(
  db: Db,
  input: { versionId: number; supported: boolean },
): Promise<{ versionId: number; supported: boolean }> {
  return db.transaction(async (tx) => {
    const version = await findVersionById(tx, input.versionId);
    if (!version) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    version.supported = input.supported;
    await tx.flush();
    return { versionId: version.id, supported: version.supported };
  });
}

/** Adds roles to an application (union, kept sorted, duplicates ignored). Returns `null` for an unknown name. */
export async function addApplicationRoles(db: Db, input: { name: string; roles: string[] }): Promise<string[] | null> {
  return db.transaction(async (tx) => {
    const application = await findApplicationByName(tx, input.name, { forUpdate: true });
    if (!application) return null;
    application.roles = normalizeRoles([...application.roles, ...input.roles]);
    await tx.flush();
    return application.roles;
  });
}

/** Removes roles from an application (set difference; absent roles are ignored). `null` for an unknown name. */
export async function removeApplicationRoles(db: Db, input: { name: string; roles: string[] }): Promise<string[] | null> {
  return db.transaction(async (tx) => {
    const application = await findApplicationByName(tx, input.name, { forUpdate: true });
    if (!application) return null;
    const removed = new Set(input.roles);
    application.roles = application.roles.filter((role) => !removed.has(role));
    await tx.flush();
    return application.roles;
  });
}

function normalizeRoles(roles: string[]): string[] {
  return [...new Set(roles)].sort();
}

async function loadDetail(tx: Tx, application: Application): Promise<ApplicationDetail> {
  const versions = await listVersionsOfApplication(tx, application.id);
  const keypair = await findLatestMasterKeypair(tx, application.id);
  if (!keypair) throw new ServiceError(ServiceErrors.NO_MASTER_SERVER_KEYPAIR);
  return { ...toSummary(application), masterPublicKey: keypair.masterKeyPublicBase64, versions: versions.map(toVersionView) };
}

function toSummary(application: Application): ApplicationSummary {
  return { id: application.id, name: application.name, roles: [...application.roles] };
}

function toVersionView(version: ApplicationVersion): ApplicationVersionView {
  return {
    id: version.id,
    name: version.name,
    applicationKey: version.applicationKey,
    applicationSecret: version.applicationSecret,
    supported: version.supported,
  };
}
