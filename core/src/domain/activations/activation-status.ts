import { ACTIVATION_STATUS_BYTE } from "../../crypto/status-blob.ts";

/**
 * Activation states with the codes the reference stores, which are also the status blob's status byte:
 * CREATED → OTP_USED → ACTIVE ⇄ BLOCKED → REMOVED. `OTP_USED` is the 0.22 name of later PENDING_COMMIT.
 */
export const ActivationStatus = ACTIVATION_STATUS_BYTE;

export type ActivationStatusName = keyof typeof ActivationStatus;
export type ActivationStatusCode = (typeof ActivationStatus)[ActivationStatusName];

const names = Object.fromEntries(Object.entries(ActivationStatus).map(([name, code]) => [code, name])) as Record<
  number,
  ActivationStatusName
>;

/** The name of a stored status code; an unknown code is a corrupt row, not a caller error. */
export function activationStatusName(code: number): ActivationStatusName {
  const name = names[code];
  if (!name) throw new Error(`unknown activation status code ${code}`);
  return name;
}

/** States that still wait for the key exchange or the commit, and therefore expire. */
export function isPendingActivationStatus(code: number): boolean {
  return code === ActivationStatus.CREATED || code === ActivationStatus.OTP_USED;
}

/** Blocked reasons the service itself sets (the reference's AdditionalInformation constants). */
export const BlockedReason = {
  NOT_SPECIFIED: "NOT_SPECIFIED",
  MAX_FAILED_ATTEMPTS: "MAX_FAILED_ATTEMPTS",
} as const;
