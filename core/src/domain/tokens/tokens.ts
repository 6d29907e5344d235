import { randomUUID } from "node:crypto";
import { encodeBase64 } from "../../crypto/bytes.ts";
import { ECIES_SHARED_INFO_1 } from "../../crypto/ecies.ts";
import type { EciesRequest } from "../../crypto/ecies.ts";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import { generateTokenSecret, verifyTokenDigest } from "../../crypto/token.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { findActivation, touchActivation } from "../../persistence/activation.repository.ts";
import { Token } from "../../persistence/token.entity.ts";
import { deleteTokenOfActivation, findTokenWithSecret, tokenIdExists } from "../../persistence/token.repository.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import { requireActiveActivation } from "../activations/active-activation.ts";
import { openActivationScopeRequest, sealJsonResponse } from "../e2ee/ecies-requests.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { acceptOnce } from "../replay/unique-values.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeCode, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { TOKEN_SECRET } from "../secrets/secret-kinds.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";

/** How often a colliding token ID is regenerated before giving up (the reference's 10). */
const GENERATE_ITERATIONS = 10;

/**
 * Issues a token for simple request authentication (CreateToken). The intermediate has already verified the
 * device's signature over this request; the server records which signature type that was, creates a random
 * token ID and 16-byte secret, and returns them ECIES-encrypted to the device (activation scope,
 * `/pa/token/create`), so only the device ever sees the secret.
 */
export async function createToken(
  db: Db,
  keys: MasterDbKeys,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; applicationKey: string; signatureType: SignatureType; request: EciesRequest },
): Promise<{ encryptedData: Buffer; mac: Buffer }> {
  return db.transaction(async (tx) => {
    const { activation, version, material } = await requireActiveActivation(tx, activationKeys, input);
    const opened = await openActivationScopeRequest(tx, material, ECIES_SHARED_INFO_1.CREATE_TOKEN, version.applicationSecret, input.request);
    // The device sends "{}"; an empty payload is malformed.
    if (opened.plaintext.byteLength === 0) throw new ServiceError(ServiceErrors.INVALID_INPUT_FORMAT);
    return sealJsonResponse(opened.context, await storeNewToken(tx, keys, activation.activationId, input.signatureType));
  });
}

/**
 * Creates a token of the activation in the caller's transaction (CreateToken of both protocol versions): a
 * fresh random ID (ERR0019 after 10 collisions) and 16-byte secret, sealed with the master DB key, remembering
 * the signature type the intermediate verified. Returns what the device must receive encrypted.
 */
export async function storeNewToken(
  tx: Tx,
  keys: MasterDbKeys,
  activationId: string,
  signatureType: SignatureType,
): Promise<{ tokenId: string; tokenSecret: string }> {
  let tokenId: string | null = null;
  for (let i = 0; i < GENERATE_ITERATIONS && tokenId === null; i++) {
    const candidate = randomUUID();
    if (!(await tokenIdExists(tx, candidate))) tokenId = candidate;
  }
  if (tokenId === null) throw new ServiceError(ServiceErrors.UNABLE_TO_GENERATE_TOKEN);
  const secret = generateTokenSecret();
  const sealed = sealSecret(keys, TOKEN_SECRET, { tokenId, activationId }, secret);
  tx.create(Token, {
    tokenId,
    tokenSecret: sealed.stored,
    tokenSecretEncryption: encryptionModeCode(sealed),
    tokenSecretEncryptionKeyId: sealed.keyId,
    activationId,
    signatureType,
    timestampCreated: new Date(),
  });
  return { tokenId, tokenSecret: encodeBase64(secret) };
}

/** ValidateToken's answer; the details only when the digest is valid. */
export interface TokenValidation {
  tokenValid: boolean;
  activationId?: string;
  userId?: string;
  applicationId?: number;
  signatureType?: SignatureType;
}

/**
 * Checks a token digest `HMAC(secret, nonce & timestamp)` in constant time (ValidateToken). Timestamps older
 * than the configured validity are refused (ERR0024, as 0.22), those dated further ahead than the forward
 * validity ERR0044 (as 1.5+), an unknown token is simply invalid, and a token of an activation that is no
 * longer ACTIVE is ERR0008. A valid digest is accepted once: (token, nonce, timestamp) is remembered until the
 * timestamp is too old anyway, and a second presentation, also a concurrent one, is invalid. A digest checked
 * against an active activation, valid or not, counts as a use of it (`timestamp_last_used`, which telemetry
 * counts), as a signature does.
 */
export async function validateToken(
  db: Db,
  settings: ServiceSettings,
  input: { tokenId: string; tokenDigest: Buffer; nonce: Buffer; timestamp: bigint },
  now: Date = new Date(),
): Promise<TokenValidation> {
  if (input.timestamp < BigInt(now.getTime() - settings.tokenTimestampValidityMs)) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  if (input.timestamp > BigInt(now.getTime() + settings.tokenTimestampForwardValidityMs)) {
    throw new ServiceError(ServiceErrors.TOKEN_TIMESTAMP_TOO_IN_FUTURE);
  }
  return db.transaction(async (tx) => {
    const token = await findTokenWithSecret(tx, input.tokenId);
    if (!token) return { tokenValid: false };
    const activation = await findActivation(tx, token.activationId);
    if (!activation || activation.activationStatus !== ActivationStatus.ACTIVE) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    await touchActivation(tx, activation.activationId, now);
    const secret = openSecret(settings, TOKEN_SECRET, token, {
      stored: token.tokenSecret,
      mode: token.tokenSecretEncryption,
      keyId: token.tokenSecretEncryptionKeyId,
    });
    if (!verifyTokenDigest(secret, input.nonce, input.timestamp, input.tokenDigest)) {
      return { tokenValid: false };
    }
    // Remembered until the timestamp falls out of the validity window, after which the digest is refused anyway.
    const expires = new Date(Number(input.timestamp) + settings.tokenTimestampValidityMs);
    if (!(await acceptOnce(tx, "TOKEN", [Buffer.from(input.tokenId, "utf8"), input.nonce, bigintBytes(input.timestamp)], expires))) {
      return { tokenValid: false };
    }
    return {
      tokenValid: true,
      activationId: activation.activationId,
      userId: activation.userId,
      applicationId: activation.applicationId,
      signatureType: token.signatureType as SignatureType,
    };
  });
}

function bigintBytes(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value);
  return bytes;
}

/** Deletes a token, but only on behalf of the activation it belongs to (RemoveToken); `removed` says whether it did. */
export async function removeToken(db: Db, input: { tokenId: string; activationId: string }): Promise<{ removed: boolean }> {
  return db.transaction(async (tx) => ({ removed: await deleteTokenOfActivation(tx, input.tokenId, input.activationId) }));
}
