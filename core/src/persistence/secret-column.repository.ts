import { executeStatement } from "./sql-statement.ts";
import type { Tx } from "./tx.ts";

/**
 * Where one kind of secret lives: its table, the value column, the mode column (`*_encryption` integer or
 * `encryption_mode` text), the key id column (migration 0009) and the row fields its record key is bound to, as
 * SQL expressions over the table `t` (and an optional join). The domain's `SecretKind` of the same `kind` name
 * says how to open and seal the value; this says only where it is.
 */
export interface SecretColumn {
  readonly kind: string;
  readonly table: string;
  readonly primaryKey: string;
  readonly primaryKeyType: "bigint" | "varchar";
  readonly value: string;
  readonly mode: string;
  readonly modeType: "integer" | "varchar";
  readonly keyId: string;
  readonly owner: Readonly<Record<string, string>>;
  readonly join?: string;
}

/** Every secret column of the schema. A new secret column gets a row here (and a `SecretKind`), or it is not re-sealed. */
export const SECRET_COLUMNS = {
  activationServerPrivateKey: {
    kind: "activation server private key",
    table: "pa_activation",
    primaryKey: "activation_id",
    primaryKeyType: "varchar",
    value: "server_private_key_base64",
    mode: "server_private_key_encryption",
    modeType: "integer",
    keyId: "server_private_key_encryption_key_id",
    owner: { userId: "t.user_id", activationId: "t.activation_id" },
  },
  masterPrivateKey: {
    kind: "master private key",
    table: "pa_master_keypair",
    primaryKey: "id",
    primaryKeyType: "bigint",
    value: "master_key_private_base64",
    mode: "master_key_private_encryption",
    modeType: "integer",
    keyId: "master_key_private_encryption_key_id",
    owner: { applicationId: "t.application_id::text", masterKeyPublicBase64: "t.master_key_public_base64" },
  },
  tokenSecret: {
    kind: "token secret",
    table: "pa_token",
    primaryKey: "token_id",
    primaryKeyType: "varchar",
    value: "token_secret",
    mode: "token_secret_encryption",
    modeType: "integer",
    keyId: "token_secret_encryption_key_id",
    owner: { tokenId: "t.token_id", activationId: "t.activation_id" },
  },
  applicationConfigValues: {
    kind: "application configuration values",
    table: "pa_application_config",
    primaryKey: "id",
    primaryKeyType: "bigint",
    value: "config_values",
    mode: "encryption_mode",
    modeType: "varchar",
    keyId: "config_values_encryption_key_id",
    owner: { applicationName: "a.name" },
    join: "join pa_application a on a.id = t.application_id",
  },
  callbackAuthentication: {
    kind: "callback authentication",
    table: "pa_application_callback",
    primaryKey: "id",
    primaryKeyType: "varchar",
    value: "authentication",
    mode: "encryption_mode",
    modeType: "varchar",
    keyId: "authentication_encryption_key_id",
    owner: { callbackId: "t.id" },
  },
  recoveryPukHash: {
    kind: "recovery PUK hash",
    table: "pa_recovery_puk",
    primaryKey: "id",
    primaryKeyType: "bigint",
    value: "puk",
    mode: "puk_encryption",
    modeType: "integer",
    keyId: "puk_encryption_key_id",
    owner: { applicationId: "c.application_id::text", userId: "c.user_id", recoveryCode: "c.recovery_code", pukIndex: "t.puk_index::text" },
    join: "join pa_recovery_code c on c.id = t.recovery_code_id",
  },
  recoveryPostcardPrivateKey: {
    kind: "recovery postcard private key",
    table: "pa_recovery_config",
    primaryKey: "id",
    primaryKeyType: "bigint",
    value: "postcard_private_key_base64",
    mode: "postcard_private_key_encryption",
    modeType: "integer",
    keyId: "postcard_private_key_encryption_key_id",
    owner: { applicationId: "t.application_id::text" },
  },
  pushCredentialSecret: {
    kind: "push credential secret",
    table: "pa_push_credential",
    primaryKey: "id",
    primaryKeyType: "bigint",
    value: "secret",
    mode: "encryption_mode",
    modeType: "varchar",
    keyId: "secret_encryption_key_id",
    owner: { applicationId: "t.application_id::text", platform: "t.platform" },
  },
} as const satisfies Record<string, SecretColumn>;

/** One stored secret as the re-sealing job reads it: the mode as text, whichever type its column has. */
export interface StoredSecretRow {
  primaryKey: string;
  stored: string;
  mode: string;
  keyId: string | null;
  owner: Record<string, string>;
}

interface SelectedRow {
  pk: string;
  stored: string;
  mode: string;
  key_id: string | null;
  [ownerField: string]: string | null;
}

/**
 * The next rows (by primary key, after `after`; from the start when null) whose secret is not sealed under the
 * key `keyId`: in the clear, under another key, or without a key id. At most `limit`; empty values are skipped.
 */
export async function listSecretsNotSealedUnder(
  tx: Tx,
  column: SecretColumn,
  keyId: string,
  encryptedMode: string,
  after: string | null,
  limit: number,
): Promise<StoredSecretRow[]> {
  const owner = Object.entries(column.owner).map(([field, expression]) => `${expression} as "${field}"`);
  const text = `select t.${column.primaryKey}::text as pk, t.${column.value} as stored, t.${column.mode}::text as mode, t.${column.keyId} as key_id,
  ${owner.join(", ")}
from ${column.table} t ${column.join ?? ""}
where ($1::text is null or t.${column.primaryKey} > $1::${column.primaryKeyType})
  and t.${column.value} is not null and t.${column.value} <> ''
  and (t.${column.mode}::text <> $2 or t.${column.keyId} is distinct from $3)
order by t.${column.primaryKey}
limit $4`;
  const rows = await executeStatement<SelectedRow>(tx, { name: `reseal_select_${column.table}`, text }, [after, encryptedMode, keyId, limit]);
  return rows.map((row) => ({
    primaryKey: row.pk,
    stored: row.stored,
    mode: row.mode,
    keyId: row.key_id,
    owner: Object.fromEntries(Object.keys(column.owner).map((field) => [field, String(row[field])])),
  }));
}

/**
 * Replaces one row's secret, only if it still holds `previous` (a row changed meanwhile, e.g. a callback
 * updated by an admin, keeps its newer value). True when the row was updated.
 */
export async function replaceSealedSecret(
  tx: Tx,
  column: SecretColumn,
  primaryKey: string,
  previous: string,
  sealed: { stored: string; mode: string; keyId: string | null },
): Promise<boolean> {
  const text = `update ${column.table} set ${column.value} = $2, ${column.mode} = $3::${column.modeType}, ${column.keyId} = $4
where ${column.primaryKey} = $1::${column.primaryKeyType} and ${column.value} = $5
returning 1 as updated`;
  const rows = await executeStatement(tx, { name: `reseal_update_${column.table}`, text }, [primaryKey, sealed.stored, sealed.mode, sealed.keyId, previous]);
  return rows.length === 1;
}
