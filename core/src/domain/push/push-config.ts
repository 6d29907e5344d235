import type { Db } from "../../persistence/db.ts";
import { findApplicationByName } from "../../persistence/application.repository.ts";
import { PushCredential } from "../../persistence/push-credential.entity.ts";
import { deletePushCredential, findPushCredentialWithSecret, listPushCredentialsOfApplication } from "../../persistence/push-credential.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { applicationNotFound } from "../applications/application-config.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { checkPushCredentials, sealPushSecret } from "./push-credentials.ts";
import type { ApnsEnvironment, PushCredentialsInput, PushPlatform } from "./push-credentials.ts";

/** What the API shows of an application's push services: never a secret; a service absent when not configured. */
export interface PushConfig {
  /** The application's ID (its name), which is also the configuration's. */
  id: string;
  apns?: { topic: string; keyId: string; teamId: string; environment: ApnsEnvironment };
  fcm?: { projectId: string };
  hms?: { projectId: string };
}

/** The push services configured for an application (GetPushConfig); an unknown application is ERROR_ADMIN. */
export async function getPushConfig(db: Db, applicationName: string): Promise<PushConfig> {
  return db.read(async (tx) => {
    const application = await findApplicationByName(tx, applicationName);
    if (!application) throw applicationNotFound(applicationName);
    return readPushConfig(tx, application.id, applicationName);
  });
}

/**
 * Stores or replaces one service's credentials (UpdatePush…Config) after {@link checkPushCredentials}
 * accepted them, the secret sealed with the master DB key when configured, and answers the configuration as
 * it is afterwards. Checks run before the database is touched, so a bad upload changes nothing.
 */
export async function updatePushConfig(
  db: Db,
  settings: MasterDbKeys,
  applicationName: string,
  input: PushCredentialsInput,
): Promise<PushConfig> {
  const checked = checkPushCredentials(input);
  return db.transaction(async (tx) => {
    // Locking the application serialises concurrent uploads for it, so the unique index never fires.
    const application = await findApplicationByName(tx, applicationName, { forUpdate: true });
    if (!application) throw applicationNotFound(applicationName);
    const sealed = sealPushSecret(settings, application.id, checked.platform, checked.secret);
    const existing = await findPushCredentialWithSecret(tx, application.id, checked.platform);
    if (existing) {
      existing.settings = checked.settings;
      existing.secret = sealed.secret;
      existing.encryptionMode = sealed.encryptionMode;
      existing.secretEncryptionKeyId = sealed.secretEncryptionKeyId;
      existing.timestampLastUpdated = new Date();
    } else {
      tx.create(PushCredential, {
        applicationId: application.id,
        platform: checked.platform,
        settings: checked.settings,
        secret: sealed.secret,
        encryptionMode: sealed.encryptionMode,
        secretEncryptionKeyId: sealed.secretEncryptionKeyId,
        timestampCreated: new Date(),
      });
    }
    try {
      await tx.flush();
    } catch (error) {
      throw withoutRowData(error);
    }
    return readPushConfig(tx, application.id, applicationName);
  });
}

/** Removes one service's credentials (DeletePush…Config); removing what is not configured still succeeds. */
export async function deletePushConfig(db: Db, applicationName: string, platform: PushPlatform): Promise<void> {
  await db.transaction(async (tx) => {
    const application = await findApplicationByName(tx, applicationName, { forUpdate: true });
    if (!application) throw applicationNotFound(applicationName);
    await deletePushCredential(tx, application.id, platform);
  });
}

async function readPushConfig(tx: Tx, applicationId: number, applicationName: string): Promise<PushConfig> {
  const config: PushConfig = { id: applicationName };
  for (const row of await listPushCredentialsOfApplication(tx, applicationId)) {
    const s = row.settings;
    switch (row.platform) {
      case "APNS":
        config.apns = { topic: s.topic, keyId: s.keyId, teamId: s.teamId, environment: s.environment === "PRODUCTION" ? "PRODUCTION" : "DEVELOPMENT" };
        break;
      case "FCM":
        config.fcm = { projectId: s.projectId };
        break;
      case "HMS":
        config.hms = { projectId: s.projectId };
        break;
    }
  }
  return config;
}

/**
 * A failed write's driver error quotes the row (PostgreSQL's "Failing row contains (…)"), secret included, and
 * would be logged as it is: only its name goes on, and not the original as a cause either.
 */
function withoutRowData(error: unknown): Error {
  const name = error instanceof Error ? error.name : typeof error;
  return new Error(`storing push credentials failed (${name}; the database's message is withheld, it may quote the secret)`);
}
