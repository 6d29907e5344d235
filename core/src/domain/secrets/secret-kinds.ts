import { utf8 } from "../../crypto/bytes.ts";
import { parsePrivateKey } from "../../crypto/ec-keys.ts";

/** How a secret is written when it is stored in the clear: key bytes as Base64, text as itself. */
export type ClearForm = "base64" | "utf8";

/**
 * One kind of secret at rest (one column): how its record key is bound to its row, how it reads in the clear,
 * and what a correctly decrypted value looks like. The binding (`partsOf`, the KDF_INTERNAL index parts of
 * server-behaviour.md §2.3) keeps a ciphertext from opening when it is moved to another row; `accepts` tells
 * which configured key sealed a record that carries no key id (written before migration 0009, or by the
 * reference): a wrong key yields valid padding about once in 256 tries, a plausible value practically never.
 */
export interface SecretKind<Owner> {
  /** For logs and reports, e.g. "activation server private key". */
  readonly name: string;
  readonly clearForm: ClearForm;
  partsOf(owner: Owner): string[];
  accepts(plaintext: Buffer): boolean;
}

/** Owners as a row's columns give them: numbers may arrive as strings (bigint), so parts use `String()`. */
type Id = number | string;

export const ACTIVATION_SERVER_PRIVATE_KEY: SecretKind<{ userId: string; activationId: string }> = {
  name: "activation server private key",
  clearForm: "base64",
  // The reference's parts (§2.3), so a reference database's encrypted keys open unchanged.
  partsOf: (owner) => [owner.userId, owner.activationId],
  accepts: isPrivateKey,
};

export const MASTER_PRIVATE_KEY: SecretKind<{ applicationId: Id; masterKeyPublicBase64: string }> = {
  name: "master private key",
  clearForm: "base64",
  // The reference never encrypts it; bound to its application and its own public key, so it opens only in its pair.
  partsOf: (owner) => ["master-keypair", String(owner.applicationId), owner.masterKeyPublicBase64],
  accepts: isPrivateKey,
};

export const TOKEN_SECRET: SecretKind<{ tokenId: string; activationId: string }> = {
  name: "token secret",
  clearForm: "base64",
  partsOf: (owner) => ["token", owner.tokenId, owner.activationId],
  accepts: (plaintext) => plaintext.byteLength === 16,
};

export const APPLICATION_CONFIG_VALUES: SecretKind<{ applicationName: string }> = {
  name: "application configuration values",
  clearForm: "utf8",
  // The reference's parts (§2.3): the application's id string, its name.
  partsOf: (owner) => [owner.applicationName],
  accepts: (plaintext) => isJson(plaintext, Array.isArray),
};

export const CALLBACK_AUTHENTICATION: SecretKind<{ callbackId: string }> = {
  name: "callback authentication",
  clearForm: "utf8",
  partsOf: (owner) => [owner.callbackId],
  accepts: (plaintext) => isJson(plaintext, (value) => typeof value === "object" && value !== null && !Array.isArray(value)),
};

export const RECOVERY_PUK_HASH: SecretKind<{ applicationId: Id; userId: string; recoveryCode: string; pukIndex: Id }> = {
  name: "recovery PUK hash",
  clearForm: "utf8",
  // The reference's parts (§2.3).
  partsOf: (owner) => [String(owner.applicationId), owner.userId, owner.recoveryCode, String(owner.pukIndex)],
  accepts: (plaintext) => plaintext.toString("latin1").startsWith("$argon2"),
};

export const RECOVERY_POSTCARD_PRIVATE_KEY: SecretKind<{ applicationId: Id }> = {
  name: "recovery postcard private key",
  clearForm: "base64",
  // The reference's parts (§2.3).
  partsOf: (owner) => [String(owner.applicationId)],
  accepts: isPrivateKey,
};

export const PUSH_CREDENTIAL_SECRET: SecretKind<{ applicationId: Id; platform: string }> = {
  name: "push credential secret",
  clearForm: "utf8",
  partsOf: (owner) => ["push", String(owner.applicationId), owner.platform],
  // A key file (PEM), a service account (JSON) or a client secret: printable UTF-8 text.
  accepts: (plaintext) => isText(plaintext) && plaintext.byteLength > 0,
};

function isPrivateKey(plaintext: Buffer): boolean {
  try {
    parsePrivateKey(plaintext);
    return true;
  } catch {
    return false;
  }
}

function isText(plaintext: Buffer): boolean {
  const text = plaintext.toString("utf8");
  // Tabs and line breaks are normal in PEM and JSON files; other control characters are not.
  return utf8(text).equals(plaintext) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

function isJson(plaintext: Buffer, shape: (value: unknown) => boolean): boolean {
  if (!isText(plaintext)) return false;
  try {
    return shape(JSON.parse(plaintext.toString("utf8")));
  } catch {
    return false;
  }
}
