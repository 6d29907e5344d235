import type { EciesVersion } from "../crypto/ecies.ts";

/**
 * The configuration the PowerAuth service rules depend on (a subset of the core's config, passed as a plain
 * value so domain code and its tests never read the environment).
 */
export interface ServiceSettings {
  /** 16-byte key for secrets at rest; absent = new secrets are stored unencrypted. */
  masterDbEncryptionKey?: Buffer;
  /** Earlier master DB keys: they still open what they sealed, until everything is re-sealed (key rotation). */
  masterDbEncryptionPreviousKeys?: readonly Buffer[];
  activationValidityMs: number;
  signatureMaxFailedAttempts: number;
  /** Wrong PUKs a recovery code tolerates before it is BLOCKED. */
  recoveryMaxFailedAttempts: number;
  signatureValidationLookahead: number;
  tokenTimestampValidityMs: number;
  /** How far ahead of now a token digest may be dated (the reference's forward validity, ERR0044 beyond). */
  tokenTimestampForwardValidityMs: number;
  secureVaultBiometricAuthentication: boolean;
  eciesDecryptorVersion: EciesVersion;
  /** Effective delivery settings of a callback that leaves them null (ISO-8601 durations, as the API shows them). */
  callbackDefaultMaxAttempts: number;
  callbackDefaultInitialBackoff: string;
  callbackDefaultRetentionPeriod: string;
}
