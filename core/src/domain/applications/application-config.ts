import type { Db } from "../../persistence/db.ts";
import { ApplicationConfig } from "../../persistence/application.entity.ts";
import { findApplicationByName, findConfigByKey, listConfigOfApplication } from "../../persistence/application.repository.ts";
import { AdminError } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeName, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { APPLICATION_CONFIG_VALUES } from "../secrets/secret-kinds.ts";

/**
 * The keys an application configuration may hold (cloud-admin.md §5). Only the key is validated: the values
 * are a JSON array whose consumers ignore what they do not understand, as the reference does.
 */
export const APPLICATION_CONFIG_KEYS = [
  "fido2_attestation_fmt_allowed",
  "fido2_aaguids_allowed",
  "fido2_root_ca_certs",
  "oauth2_providers",
  "activation_transfer",
  "cryptography_algorithms_supported",
  "disable_biometry_unlock_kek_device_private",
] as const;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ApplicationConfigEntry {
  key: string;
  values: JsonValue[];
}

function isAllowedKey(key: string): boolean {
  return (APPLICATION_CONFIG_KEYS as readonly string[]).includes(key);
}

/**
 * All configuration entries of an application (by its name), sorted by key. Values are stored sealed with the
 * master DB key (some keys carry secrets, e.g. the OAuth 2.0 client secrets of `oauth2_providers`), bound to the
 * application's name as the reference binds them.
 */
export async function getApplicationConfig(db: Db, keys: MasterDbKeys, applicationName: string): Promise<ApplicationConfigEntry[]> {
  return db.read(async (tx) => {
    const application = await findApplicationByName(tx, applicationName);
    if (!application) throw applicationNotFound(applicationName);
    const rows = await listConfigOfApplication(tx, application.id);
    return rows.map((row) => ({ key: row.configKey, values: parseValues(openConfigValues(keys, application.name, row)) }));
  });
}

/** Creates or replaces the values of one key (an upsert, as the reference), sealed with the master DB key. */
export async function putApplicationConfig(
  db: Db,
  keys: MasterDbKeys,
  input: { applicationName: string; key: string; values: JsonValue[] },
): Promise<ApplicationConfigEntry> {
  if (!isAllowedKey(input.key)) {
    throw new AdminError("ERROR_ADMIN", `Invalid create application configuration request for configuration key: ${input.key}`);
  }
  return db.transaction(async (tx) => {
    const application = await findApplicationByName(tx, input.applicationName, { forUpdate: true });
    if (!application) throw applicationNotFound(input.applicationName);
    const sealed = sealSecret(keys, APPLICATION_CONFIG_VALUES, { applicationName: application.name }, Buffer.from(JSON.stringify(input.values), "utf8"));
    const stored = { configValues: sealed.stored, encryptionMode: encryptionModeName(sealed), configValuesEncryptionKeyId: sealed.keyId };
    const existing = await findConfigByKey(tx, application.id, input.key);
    if (existing) {
      Object.assign(existing, stored);
    } else {
      tx.create(ApplicationConfig, { applicationId: application.id, configKey: input.key, ...stored });
    }
    await tx.flush();
    return { key: input.key, values: input.values };
  });
}

/** Removes a key; removing a key that is not set still succeeds, as in the reference. */
export async function removeApplicationConfig(db: Db, input: { applicationName: string; key: string }): Promise<void> {
  if (!isAllowedKey(input.key)) {
    throw new AdminError("ERROR_ADMIN", `Invalid remove application configuration request for configuration key: ${input.key}`);
  }
  await db.transaction(async (tx) => {
    const application = await findApplicationByName(tx, input.applicationName, { forUpdate: true });
    if (!application) throw applicationNotFound(input.applicationName);
    const existing = await findConfigByKey(tx, application.id, input.key);
    if (existing) tx.remove(existing);
    await tx.flush();
  });
}

export function applicationNotFound(applicationName: string): AdminError {
  return new AdminError("ERROR_ADMIN", `Application not found: ${applicationName}`);
}

function openConfigValues(keys: MasterDbKeys, applicationName: string, row: ApplicationConfig): string {
  return openSecret(keys, APPLICATION_CONFIG_VALUES, { applicationName }, {
    stored: row.configValues,
    mode: row.encryptionMode,
    keyId: row.configValuesEncryptionKeyId,
  }).toString("utf8");
}

function parseValues(serialized: string): JsonValue[] {
  const parsed: unknown = JSON.parse(serialized);
  return Array.isArray(parsed) ? (parsed as JsonValue[]) : [];
}
