/**
 * Why a crypto operation refused its input. Callers map these to protocol errors
 * (e.g. INVALID_MAC → DECRYPTION_FAILED on the wire); messages never carry key
 * material or plaintext, only what was wrong in general terms.
 */
export type CryptoErrorKind =
  | "INVALID_KEY"
  | "INVALID_MAC"
  | "INVALID_INPUT"
  | "DECRYPTION_FAILED";

/** The single error type thrown by `crypto/`; `kind` is what callers switch on. */
export class CryptoError extends Error {
  readonly kind: CryptoErrorKind;

  constructor(kind: CryptoErrorKind, message: string) {
    super(message);
    this.name = "CryptoError";
    this.kind = kind;
  }
}
