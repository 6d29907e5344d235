import { decodeBase64, utf8 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { isP256PrivateKey, parsePkcs8PrivateKeyPem } from "../../crypto/pem.ts";
import { AdminError } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeName, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { PUSH_CREDENTIAL_SECRET } from "../secrets/secret-kinds.ts";

/** The three push services, as stored in `pa_push_credential.platform`. */
export type PushPlatform = "APNS" | "FCM" | "HMS";

export type ApnsEnvironment = "DEVELOPMENT" | "PRODUCTION";

/** What an admin uploads for one service; secrets in clear, only ever in memory. */
export type PushCredentialsInput =
  | { platform: "APNS"; topic: string; keyId: string; teamId: string; environment: ApnsEnvironment; privateKeyBase64: string }
  | { platform: "FCM"; projectId?: string; privateKeyBase64: string }
  | { platform: "HMS"; projectId: string; appId: string; clientId: string; clientSecret: string };

/** Credentials that passed every check: what the API may show, and the secret to seal. */
export interface CheckedPushCredentials {
  platform: PushPlatform;
  settings: Record<string, string>;
  secret: string;
}

/** `encryption_mode` of `pa_push_credential` (the reference's names). */
export type PushEncryptionMode = "NO_ENCRYPTION" | "AES_HMAC";

/** Apple's key and team IDs: ten upper-case letters or digits. */
const APPLE_ID = /^[A-Z0-9]{10}$/;

/**
 * Checks uploaded credentials the way the push services will use them, so that a bad file is refused when it
 * is uploaded rather than when the first push fails (the reference only checks presence, issue
 * powerauth-push-server#689): an APNs `.p8` must be a PKCS#8 EC P-256 key with 10-character Apple key and team
 * IDs; an FCM file must be a service account JSON with an RSA `private_key` in PEM, `client_email` and
 * `token_uri`, whose `project_id` equals `projectId` when that is given; HMS needs its four IDs. Anything
 * wrong is ERROR_REQUEST naming the field and what is wrong, never echoing a secret.
 */
export function checkPushCredentials(input: PushCredentialsInput): CheckedPushCredentials {
  switch (input.platform) {
    case "APNS":
      return checkApns(input);
    case "FCM":
      return checkFcm(input);
    case "HMS":
      return {
        platform: "HMS",
        settings: { projectId: input.projectId, appId: input.appId, clientId: input.clientId },
        secret: input.clientSecret,
      };
  }
}

function checkApns(input: Extract<PushCredentialsInput, { platform: "APNS" }>): CheckedPushCredentials {
  if (!APPLE_ID.test(input.keyId)) throw invalidField("keyId", "must be a 10-character Apple key ID (A-Z, 0-9)");
  if (!APPLE_ID.test(input.teamId)) throw invalidField("teamId", "must be a 10-character Apple team ID (A-Z, 0-9)");
  const pem = decodeUpload(input.privateKeyBase64);
  const key = parseKey(pem, "privateKeyBase64");
  if (!isP256PrivateKey(key)) {
    throw invalidField("privateKeyBase64", `is an ${describeKey(key)} key, not an EC P-256 key (APNs signs with ES256)`);
  }
  return {
    platform: "APNS",
    settings: { topic: input.topic, keyId: input.keyId, teamId: input.teamId, environment: input.environment },
    secret: pem,
  };
}

function checkFcm(input: Extract<PushCredentialsInput, { platform: "FCM" }>): CheckedPushCredentials {
  const json = decodeUpload(input.privateKeyBase64);
  let account: unknown;
  try {
    account = JSON.parse(json);
  } catch {
    throw invalidField("privateKeyBase64", "is not JSON (expected the Firebase service account file)");
  }
  if (typeof account !== "object" || account === null || Array.isArray(account)) {
    throw invalidField("privateKeyBase64", "is not a JSON object (expected the Firebase service account file)");
  }
  const fields = account as Record<string, unknown>;
  if (fields.type !== "service_account") throw invalidField("privateKeyBase64", 'has no "type": "service_account"');
  const projectId = requireAccountText(fields, "project_id");
  const clientEmail = requireAccountText(fields, "client_email");
  if (!clientEmail.includes("@")) throw invalidField("privateKeyBase64", "has a client_email that is not an e-mail address");
  const tokenUri = requireAccountText(fields, "token_uri");
  if (!isHttpsUrl(tokenUri)) throw invalidField("privateKeyBase64", "has a token_uri that is not an https URL");
  const key = parseKey(requireAccountText(fields, "private_key"), "privateKeyBase64", "private_key of the service account");
  if (key.asymmetricKeyType !== "rsa") {
    throw invalidField("privateKeyBase64", `has an ${describeKey(key)} private_key, not an RSA key (FCM signs with RS256)`);
  }
  if (input.projectId !== undefined && input.projectId !== projectId) {
    throw invalidField("projectId", "does not match project_id of the service account file");
  }
  return { platform: "FCM", settings: { projectId }, secret: json };
}

/** The stored columns of a push credential's secret. */
export interface SealedPushSecret {
  secret: string;
  encryptionMode: PushEncryptionMode;
  secretEncryptionKeyId: string | null;
}

/**
 * The stored form of a secret: sealed with the current master DB key bound to the application and platform (a
 * ciphertext moved to another row does not open), plain where plaintext secrets are allowed; the mode and key id
 * say which, so rows written before a key was configured, or under an older key, still open.
 */
export function sealPushSecret(settings: MasterDbKeys, applicationId: number, platform: PushPlatform, secret: string): SealedPushSecret {
  const sealed = sealSecret(settings, PUSH_CREDENTIAL_SECRET, { applicationId, platform }, utf8(secret));
  return { secret: sealed.stored, encryptionMode: encryptionModeName(sealed), secretEncryptionKeyId: sealed.keyId };
}

/**
 * A secret as {@link sealPushSecret} stored it, for the senders. An encrypted row whose key is not configured is
 * ERR0020, an unknown mode ERR0021, a row that does not decrypt ERR0022, as for every other sealed column.
 */
export function openPushSecret(
  settings: MasterDbKeys,
  row: { applicationId: number; platform: PushPlatform; secret: string; encryptionMode: string; secretEncryptionKeyId?: string | null },
): string {
  return openSecret(settings, PUSH_CREDENTIAL_SECRET, row, { stored: row.secret, mode: row.encryptionMode, keyId: row.secretEncryptionKeyId }).toString(
    "utf8",
  );
}

/** Base64 of a whole file; the line breaks `base64` inserts by default are tolerated. */
function decodeUpload(value: string): string {
  let bytes: Buffer;
  try {
    bytes = decodeBase64(value.replace(/[\r\n\t ]/g, ""), "privateKeyBase64");
  } catch {
    throw invalidField("privateKeyBase64", "is not valid Base64");
  }
  const text = bytes.toString("utf8");
  if (!utf8(text).equals(bytes)) throw invalidField("privateKeyBase64", "is not a text file (expected PEM or JSON)");
  return text;
}

function parseKey(pem: string, fieldName: string, what?: string) {
  try {
    return parsePkcs8PrivateKeyPem(pem);
  } catch (error) {
    if (error instanceof CryptoError) throw invalidField(fieldName, what ? `has a ${what} that ${error.message}` : error.message);
    throw error;
  }
}

function requireAccountText(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== "string" || value.trim() === "") throw invalidField("privateKeyBase64", `has no ${name} in the service account file`);
  return value;
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

function describeKey(key: { asymmetricKeyType?: string; asymmetricKeyDetails?: { namedCurve?: string } }): string {
  const type = (key.asymmetricKeyType ?? "unknown").toUpperCase();
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${type} ${curve}` : type;
}

function invalidField(fieldName: string, hint: string): AdminError {
  return new AdminError("ERROR_REQUEST", `${fieldName} ${hint}`, [{ fieldName, hint }]);
}
