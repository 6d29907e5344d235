import type { Logger } from "../../logger.ts";
import type { Db } from "../../persistence/db.ts";
import { SECRET_COLUMNS, listSecretsNotSealedUnder, replaceSealedSecret } from "../../persistence/secret-column.repository.ts";
import type { SecretColumn, StoredSecretRow } from "../../persistence/secret-column.repository.ts";
import { masterDbKeyRing } from "./master-db-keys.ts";
import type { MasterDbKeyRing, MasterDbKeys, RingKey } from "./master-db-keys.ts";
import { encryptionModeCode, encryptionModeName, openWithRing, sealWithRing } from "./sealed-secret.ts";
import {
  ACTIVATION_SERVER_PRIVATE_KEY,
  APPLICATION_CONFIG_VALUES,
  CALLBACK_AUTHENTICATION,
  MASTER_PRIVATE_KEY,
  PUSH_CREDENTIAL_SECRET,
  RECOVERY_POSTCARD_PRIVATE_KEY,
  RECOVERY_PUK_HASH,
  TOKEN_SECRET,
} from "./secret-kinds.ts";
import type { SecretKind } from "./secret-kinds.ts";

/** Rows re-sealed per transaction: small enough not to hold row locks for long, large enough to be quick. */
export const RESEAL_BATCH_SIZE = 500;

/** Every secret column with the kind that opens and seals it (what re-sealing walks, and what tests scan). */
export const SEALED_COLUMNS: readonly { column: SecretColumn; kind: SecretKind<never> }[] = [
  { column: SECRET_COLUMNS.activationServerPrivateKey, kind: ACTIVATION_SERVER_PRIVATE_KEY },
  { column: SECRET_COLUMNS.masterPrivateKey, kind: MASTER_PRIVATE_KEY },
  { column: SECRET_COLUMNS.tokenSecret, kind: TOKEN_SECRET },
  { column: SECRET_COLUMNS.applicationConfigValues, kind: APPLICATION_CONFIG_VALUES },
  { column: SECRET_COLUMNS.callbackAuthentication, kind: CALLBACK_AUTHENTICATION },
  { column: SECRET_COLUMNS.recoveryPukHash, kind: RECOVERY_PUK_HASH },
  { column: SECRET_COLUMNS.recoveryPostcardPrivateKey, kind: RECOVERY_POSTCARD_PRIVATE_KEY },
  { column: SECRET_COLUMNS.pushCredentialSecret, kind: PUSH_CREDENTIAL_SECRET },
];

/** What re-sealing did to one kind of secret. */
export interface ResealCount {
  kind: string;
  /** Rows now sealed under the current key (they were in the clear, under a previous key, or without a key id). */
  resealed: number;
  /** Rows that no configured key opens (sealed with a key that is not configured, or damaged): left as they are. */
  unreadable: number;
}

/** The outcome of {@link resealSecrets}: the current key's id and one count per kind of secret. */
export interface ResealReport {
  keyId: string;
  counts: ResealCount[];
}

/**
 * Seals every secret at rest under the current master DB key: rows still in the clear, rows under a previous
 * key, and rows sealed before key ids existed (the key that opens them is found by trying each configured key).
 * Runs in batches of `batchSize` rows, each in its own transaction, walking each table once by primary key; a
 * row changed meanwhile (compared by its stored value) is left to its writer, who sealed it under the current
 * key already. Safe while cores serve: every core opens records under any configured key. Rows no configured
 * key opens are counted, never changed. Without a current key there is nothing to seal with: an error.
 */
export async function resealSecrets(
  db: Db,
  keys: MasterDbKeys,
  options: { batchSize?: number; onBatch?: (count: ResealCount) => void } = {},
): Promise<ResealReport> {
  const ring = masterDbKeyRing(keys);
  const current = ring.current;
  if (!current) throw new Error("no master DB key configured: nothing to seal secrets with");
  const counts: ResealCount[] = [];
  for (const { column, kind } of SEALED_COLUMNS) {
    counts.push(await resealColumn(db, ring, current, column, kind, options.batchSize ?? RESEAL_BATCH_SIZE, options.onBatch));
  }
  return { keyId: current.id, counts };
}

/** Whether every secret the report covers is now under the current key, so previous keys may be removed. */
export function everySecretUnderCurrentKey(report: ResealReport): boolean {
  return report.counts.every((count) => count.unreadable === 0);
}

async function resealColumn<Owner>(
  db: Db,
  ring: MasterDbKeyRing,
  current: RingKey,
  column: SecretColumn,
  kind: SecretKind<Owner>,
  batchSize: number,
  onBatch: ((count: ResealCount) => void) | undefined,
): Promise<ResealCount> {
  const total: ResealCount = { kind: kind.name, resealed: 0, unreadable: 0 };
  const encryptedMode = column.modeType === "integer" ? String(encryptionModeCode({ encrypted: true })) : encryptionModeName({ encrypted: true });
  let after: string | null = null;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = await listSecretsNotSealedUnder(tx, column, current.id, encryptedMode, after, batchSize);
      const count: ResealCount = { kind: kind.name, resealed: 0, unreadable: 0 };
      for (const row of rows) {
        const resealed = resealRow(ring, kind, row);
        if (!resealed) {
          count.unreadable++;
          continue;
        }
        const mode = column.modeType === "integer" ? String(encryptionModeCode(resealed)) : encryptionModeName(resealed);
        if (await replaceSealedSecret(tx, column, row.primaryKey, row.stored, { stored: resealed.stored, mode, keyId: resealed.keyId })) count.resealed++;
      }
      return { count, last: rows.at(-1)?.primaryKey ?? null, full: rows.length === batchSize };
    });
    total.resealed += batch.count.resealed;
    total.unreadable += batch.count.unreadable;
    if (batch.count.resealed + batch.count.unreadable > 0) onBatch?.(batch.count);
    if (!batch.full || batch.last === null) return total;
    after = batch.last;
  }
}

/** The row's secret sealed under the current key, or null when no configured key opens it. */
function resealRow<Owner>(ring: MasterDbKeyRing, kind: SecretKind<Owner>, row: StoredSecretRow) {
  const owner = row.owner as Owner;
  try {
    const plaintext = openWithRing(ring, kind, owner, { stored: row.stored, mode: row.mode, keyId: row.keyId });
    return sealWithRing(ring, kind, owner, plaintext);
  } catch {
    return null;
  }
}

/**
 * The start-up step (run under the start-up lock, so cores starting together do not do it twice at once):
 * {@link resealSecrets}, logging how many rows of each kind it sealed and warning about rows no configured key
 * opens (never a value).
 */
export async function resealSecretsOnStart(db: Db, keys: MasterDbKeys, log: Pick<Logger, "info" | "warn">): Promise<ResealReport> {
  const report = await resealSecrets(db, keys);
  for (const count of report.counts) {
    if (count.resealed > 0) log.info("sealed secrets under the current master DB key", { kind: count.kind, rows: count.resealed, keyId: report.keyId });
    if (count.unreadable > 0) {
      log.warn("secrets no configured master DB key opens (keep their key in POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS)", {
        kind: count.kind,
        rows: count.unreadable,
      });
    }
  }
  return report;
}
