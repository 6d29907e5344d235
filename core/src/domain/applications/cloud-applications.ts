import type { Db } from "../../persistence/db.ts";
import {
  addApplicationRoles,
  createApplication,
  findApplicationDetailByName,
  listApplications,
  removeApplicationRoles,
} from "./applications.ts";
import type { ApplicationDetail } from "./applications.ts";
import { applicationNotFound } from "./application-config.ts";
import { AdminError, DuplicateApplicationError } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encodeMobileSdkConfig } from "./mobile-sdk-config.ts";

/** An application as the Cloud Admin API shows it: named by its id, with one ready-to-use SDK configuration. */
export interface CloudApplication {
  id: string;
  roles: string[];
  appKey: string;
  appSecret: string;
  masterServerPublicKey: string;
  mobileSdkConfig: string;
}

/** Creates the application (master key pair and `default` version included) and returns its cloud view. */
export async function createCloudApplication(db: Db, keys: MasterDbKeys, input: { id: string; roles: string[] }): Promise<CloudApplication> {
  try {
    return toCloudApplication(await createApplication(db, keys, { name: input.id, roles: input.roles }));
  } catch (error) {
    // The Cloud Admin API reports a duplicate in its own envelope; the PowerAuth services use ERR0043.
    if (error instanceof DuplicateApplicationError) throw new AdminError("ERROR_ADMIN", error.message);
    throw error;
  }
}

export async function listCloudApplicationIds(db: Db): Promise<string[]> {
  return (await listApplications(db)).map((application) => application.name);
}

export async function getCloudApplication(db: Db, id: string): Promise<CloudApplication> {
  const detail = await findApplicationDetailByName(db, id);
  if (!detail) throw applicationNotFound(id);
  return toCloudApplication(detail);
}

export async function addCloudApplicationRoles(db: Db, input: { id: string; roles: string[] }): Promise<void> {
  if ((await addApplicationRoles(db, { name: input.id, roles: input.roles })) === null) throw applicationNotFound(input.id);
}

export async function removeCloudApplicationRoles(db: Db, input: { id: string; roles: string[] }): Promise<void> {
  if ((await removeApplicationRoles(db, { name: input.id, roles: input.roles })) === null) throw applicationNotFound(input.id);
}

/**
 * The newest supported version provides the credentials: after an admin retires a version and creates a new
 * one, new app builds get the new credentials. With no supported version there is nothing an app could use.
 */
function toCloudApplication(detail: ApplicationDetail): CloudApplication {
  const version = detail.versions.filter((candidate) => candidate.supported).at(-1);
  if (!version) throw new AdminError("ERROR_ADMIN", "No enabled application version was found");
  return {
    id: detail.name,
    roles: detail.roles,
    appKey: version.applicationKey,
    appSecret: version.applicationSecret,
    masterServerPublicKey: detail.masterPublicKey,
    mobileSdkConfig: encodeMobileSdkConfig({
      applicationKey: version.applicationKey,
      applicationSecret: version.applicationSecret,
      masterServerPublicKey: detail.masterPublicKey,
    }),
  };
}
