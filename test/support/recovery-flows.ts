import { ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema, RecoveryCodeStatus, RecoveryPukStatus } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { SimulatedDevice } from "../simulator/index.ts";
import { newDevice } from "./powerauth-flows.ts";
import type { TestApplication, V3Client } from "./powerauth-flows.ts";

/** Recovery flows the scenario tests share on either surface. */

/** Turns activation recovery on for the application (postcards only when asked, with the centre's key). */
export async function enableRecovery(
  v3: V3Client,
  app: TestApplication,
  options: { postcards?: boolean; remotePostcardPublicKey?: string; allowMultipleRecoveryCodes?: boolean } = {},
) {
  await v3.updateRecoveryConfig({
    applicationId: app.applicationId,
    activationRecoveryEnabled: true,
    recoveryPostcardEnabled: options.postcards ?? false,
    allowMultipleRecoveryCodes: options.allowMultipleRecoveryCodes,
    remotePostcardPublicKey: options.remotePostcardPublicKey,
  });
}

/** RecoveryCodeActivation from a fresh device: its layer-2 request with the code and PUK the user types. */
export function recoveryActivationRequest(app: TestApplication, recoveryCode: string, puk: string, maxFailureCount?: bigint) {
  const device = newDevice(app);
  const request = { recoveryCode, puk, applicationKey: app.applicationKey, maxFailureCount, ...device.createActivationRequest() };
  return { device, request };
}

/** Recovers onto a new device and returns it with the new activation (not yet committed). */
export async function recoverDevice(v3: V3Client, app: TestApplication, recoveryCode: string, puk: string) {
  const { device, request } = recoveryActivationRequest(app, recoveryCode, puk);
  const response = await v3.recoveryCodeActivation(request);
  const result = device.processActivationResponse(response);
  return { device, response, result };
}

/** ConfirmRecoveryCode as the device sends it; returns the decrypted `alreadyConfirmed`. */
export async function confirmRecoveryCode(v3: V3Client, device: SimulatedDevice, recoveryCode: string) {
  const { signedRequest: _signed, ...fields } = device.createConfirmRecoveryCodeRequest(recoveryCode);
  const response = await v3.confirmRecoveryCode(fields);
  return { response, ...device.processConfirmRecoveryCodeResponse(response) };
}

/** The ERRxxxx code and the PUK index of a failed call (throws if it did not fail). */
export async function recoveryErrorOf(call: Promise<unknown>): Promise<{ code: string; currentRecoveryPukIndex?: bigint }> {
  try {
    await call;
  } catch (error) {
    const [detail] = ConnectError.from(error).findDetails(ErrorDetailSchema);
    return { code: detail?.code ?? "no-detail", currentRecoveryPukIndex: detail?.currentRecoveryPukIndex };
  }
  throw new Error("expected the call to fail");
}

/** A code's status and its PUKs' statuses by index, as LookupRecoveryCodes reports them. */
export async function codeStates(v3: V3Client, filter: { userId?: string; activationId?: string }) {
  const { recoveryCodes } = await v3.lookupRecoveryCodes(filter);
  return recoveryCodes.map((code) => ({
    id: code.recoveryCodeId,
    masked: code.recoveryCodeMasked,
    activationId: code.activationId,
    status: RecoveryCodeStatus[code.status],
    puks: code.puks.map((puk) => `${puk.pukIndex}:${RecoveryPukStatus[puk.status]}`),
  }));
}

/** A PUK that is not the given one (same format). */
export function wrongPuk(puk: string): string {
  return puk.replace(/.$/, (digit) => String((Number(digit) + 1) % 10));
}
