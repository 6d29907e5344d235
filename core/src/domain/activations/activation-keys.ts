import { decodeBase64 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { deriveActivationKeysFromKeyPair } from "../../crypto/activation-keys.ts";
import type { ActivationKeys } from "../../crypto/activation-keys.ts";
import { exportPrivateKeyForStorage, parsePrivateKey, parsePublicKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeCode, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { ACTIVATION_SERVER_PRIVATE_KEY } from "../secrets/secret-kinds.ts";

/**
 * The stored form of a new activation's server private key: sealed with the current master DB key, bound to
 * `userId&activationId` (so a ciphertext cannot be moved to another row), or plain Base64 where plaintext secrets
 * are allowed. The mode and key id columns say which, so records of every kind and key can coexist.
 */
export function sealServerPrivateKey(
  settings: MasterDbKeys,
  privateKey: KeyObject,
  owner: { userId: string; activationId: string },
): { serverPrivateKeyBase64: string; serverPrivateKeyEncryption: number; serverPrivateKeyEncryptionKeyId: string | null } {
  const sealed = sealSecret(settings, ACTIVATION_SERVER_PRIVATE_KEY, owner, exportPrivateKeyForStorage(privateKey));
  return {
    serverPrivateKeyBase64: sealed.stored,
    serverPrivateKeyEncryption: encryptionModeCode(sealed),
    serverPrivateKeyEncryptionKeyId: sealed.keyId,
  };
}

/**
 * The stored fields an activation's keys are made from (an `Activation` entity loaded with its private key,
 * or the plain row the signature check reads). Encrypted private keys are bound to `userId&activationId`.
 */
export interface StoredActivationKeys {
  activationId: string;
  userId: string;
  serverPrivateKeyBase64: string;
  serverPrivateKeyEncryption: number;
  /** Which master DB key sealed the private key; null or absent for clear keys and keys sealed before key ids. */
  serverPrivateKeyEncryptionKeyId?: string | null;
  serverPublicKeyBase64: string;
  devicePublicKeyBase64?: string | null;
}

/**
 * The activation's server private key, opened with the master DB key that sealed it. An encrypted record whose
 * key is not configured is ERR0020 (as the reference), an unknown mode ERR0021, a record that does not decrypt
 * ERR0022. The activation must have been loaded with its private key.
 */
export function openServerPrivateKey(settings: MasterDbKeys, activation: Omit<StoredActivationKeys, "serverPublicKeyBase64">): KeyObject {
  const raw = openSecret(settings, ACTIVATION_SERVER_PRIVATE_KEY, activation, {
    stored: activation.serverPrivateKeyBase64,
    mode: activation.serverPrivateKeyEncryption,
    keyId: activation.serverPrivateKeyEncryptionKeyId,
  });
  try {
    return parsePrivateKey(raw);
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error });
    throw error;
  }
}

/** Everything derived from the activation's key pair: the raw keys and the symmetric activation keys. */
export interface ActivationKeyMaterial {
  serverPrivateKey: KeyObject;
  devicePublicKey: KeyObject;
  serverPublicKey: KeyObject;
  keys: ActivationKeys;
}

/** How many activations' key material a core keeps by default (a few hundred bytes each). */
export const DEFAULT_KEY_MATERIAL_CACHE_SIZE = 10_000;

interface CachedKeyMaterial {
  from: StoredActivationKeys;
  material: ActivationKeyMaterial;
}

/**
 * Derives an activation's keys (KEY_MASTER_SECRET and its children) from its stored key pair and remembers
 * them. Parsing the keys, decrypting the private key and the ECDH cost more than everything else a signature
 * check does, and their inputs hardly ever change, so the result is kept per activation together with the
 * stored values it came from: it is served only while every one of them is still what the row holds, so a
 * changed row (new device key, re-encrypted private key) is derived afresh and never answered from before.
 * One cache belongs to one master DB key (it is created with it), holds at most `capacity` activations
 * (least recently used evicted first) and never remembers failures. The composition root creates it and
 * passes it to the domain; nothing is kept at module level.
 */
export class ActivationKeyCache {
  readonly #settings: MasterDbKeys;
  readonly #capacity: number;
  readonly #entries = new Map<string, CachedKeyMaterial>();

  constructor(settings: MasterDbKeys, capacity: number = DEFAULT_KEY_MATERIAL_CACHE_SIZE) {
    this.#settings = settings;
    this.#capacity = Math.max(0, capacity);
  }

  /** How many activations are remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The activation's key material. Only an activation past its key exchange has a device public key; asking
   * earlier is ERR0008. Callers must treat the returned keys as read-only.
   */
  materialFor(activation: StoredActivationKeys): ActivationKeyMaterial {
    if (!activation.devicePublicKeyBase64) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    const cached = this.#entries.get(activation.activationId);
    if (cached && derivedFromSameRow(cached.from, activation)) {
      // Most recently used last, so the oldest entry is the one evicted.
      this.#entries.delete(activation.activationId);
      this.#entries.set(activation.activationId, cached);
      return cached.material;
    }
    const material = deriveActivationKeyMaterial(this.#settings, activation, activation.devicePublicKeyBase64);
    if (this.#capacity === 0) return material;
    this.#entries.delete(activation.activationId);
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(activation.activationId, { from: storedKeysOf(activation), material });
    return material;
  }
}

/** Every stored value the key material depends on: a change in any of them means deriving afresh. */
const STORED_KEY_FIELDS = [
  "activationId",
  "userId",
  "serverPrivateKeyBase64",
  "serverPrivateKeyEncryption",
  "serverPrivateKeyEncryptionKeyId",
  "serverPublicKeyBase64",
  "devicePublicKeyBase64",
] as const satisfies readonly (keyof StoredActivationKeys)[];

function storedKeysOf(activation: StoredActivationKeys): StoredActivationKeys {
  return Object.fromEntries(STORED_KEY_FIELDS.map((field) => [field, activation[field]])) as unknown as StoredActivationKeys;
}

function derivedFromSameRow(from: StoredActivationKeys, activation: StoredActivationKeys): boolean {
  return STORED_KEY_FIELDS.every((field) => from[field] === activation[field]);
}

function deriveActivationKeyMaterial(
  settings: MasterDbKeys,
  activation: StoredActivationKeys,
  devicePublicKeyBase64: string,
): ActivationKeyMaterial {
  const serverPrivateKey = openServerPrivateKey(settings, activation);
  try {
    const devicePublicKey = parsePublicKey(decodeBase64(devicePublicKeyBase64, "device public key"));
    const serverPublicKey = parsePublicKey(decodeBase64(activation.serverPublicKeyBase64, "server public key"));
    return { serverPrivateKey, devicePublicKey, serverPublicKey, keys: deriveActivationKeysFromKeyPair(serverPrivateKey, devicePublicKey) };
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INVALID_KEY_FORMAT, { cause: error });
    throw error;
  }
}
