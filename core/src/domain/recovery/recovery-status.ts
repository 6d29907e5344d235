/** Recovery code states as the reference stores them (`RecoveryCodeStatus`): CREATED until the device confirms it. */
export const RecoveryCodeStatus = { CREATED: 1, ACTIVE: 2, BLOCKED: 3, REVOKED: 4 } as const;
export type RecoveryCodeStatusCode = (typeof RecoveryCodeStatus)[keyof typeof RecoveryCodeStatus];
export type RecoveryCodeStatusName = keyof typeof RecoveryCodeStatus;

/** PUK states as the reference stores them (`RecoveryPukStatus`). */
export const RecoveryPukStatus = { VALID: 1, USED: 2, INVALID: 3 } as const;
export type RecoveryPukStatusCode = (typeof RecoveryPukStatus)[keyof typeof RecoveryPukStatus];
export type RecoveryPukStatusName = keyof typeof RecoveryPukStatus;

/** The name of a stored code status (the rpc layer maps names, never integers). */
export function recoveryCodeStatusName(code: number): RecoveryCodeStatusName {
  const entry = Object.entries(RecoveryCodeStatus).find(([, value]) => value === code);
  if (!entry) throw new Error(`unknown recovery code status ${code}`);
  return entry[0] as RecoveryCodeStatusName;
}

/** The name of a stored PUK status. */
export function recoveryPukStatusName(code: number): RecoveryPukStatusName {
  const entry = Object.entries(RecoveryPukStatus).find(([, value]) => value === code);
  if (!entry) throw new Error(`unknown recovery PUK status ${code}`);
  return entry[0] as RecoveryPukStatusName;
}
