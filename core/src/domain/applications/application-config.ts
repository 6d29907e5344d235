import type { Db } from "../../persistence/db.ts";
import { ApplicationConfig } from "../../persistence/application.entity.ts";
import { findApplicationByName, findConfigByKey, listConfigOfApplication } from "../../persistence/application.repository.ts";
import { AdminError } from "../errors.ts";

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

/** All configuration entries of an application (by its name), sorted by key. */
export async function getApplicationConfig(db: Db, applicationName: string): Promise<ApplicationConfigEntry[]> {
  return db.read(async (tx) => {
    const application = await findApplicationByName(tx, applicationName);
    if (!application) throw applicationNotFound(applicationName);
    const rows = await listConfigOfApplication(tx, application.id);
    return rows.map((row) => ({ key: row.configKey, values: parseValues(row.configValues) }));
  });
}

/** Creates or replaces the values of one key (an upsert, as the reference). */
export async function putApplicationConfig(
  db: Db,
  input: { applicationName: string; key: string; values: JsonValue[] },
): Promise<ApplicationConfigEntry> {
  if (!isAllowedKey(input.key)) {
    throw new AdminError("ERROR_ADMIN", `Invalid create application configuration request for configuration key: ${input.key}`);
  }
  return db.transaction(async (tx) => {
    const application = await findApplicationByName(tx, input.applicationName, { forUpdate: true });
    if (!application) throw applicationNotFound(input.applicationName);
    const serialized = JSON.stringify(input.values);
    const existing = await findConfigByKey(tx, application.id, input.key);
    if (existing) {
      existing.configValues = serialized;
    } else {
      tx.create(ApplicationConfig, {
        applicationId: application.id,
        configKey: input.key,
        configValues: serialized,
        encryptionMode: "NO_ENCRYPTION",
      });
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

function parseValues(serialized: string): JsonValue[] {
  const parsed: unknown = JSON.parse(serialized);
  return Array.isArray(parsed) ? (parsed as JsonValue[]) : [];
}
