import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { ErrorDetailSchema, SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll } from "vitest";
import type { CoreConfig } from "../../core/src/config.ts";
import { SimulatedDevice } from "../simulator/index.ts";
import type { SignedRequest, SimSignatureType } from "../simulator/index.ts";
import { startCoreForTest } from "./core-in-process.ts";
import type { CoreUnderTest } from "./core-in-process.ts";

/** Flows the gRPC tests share: an application, an activated simulated device, a signed request. */

export type V3Client = Client<typeof PowerAuthService>;

/**
 * One in-process core (expiry job off unless overridden) and one application for the whole test file, handed
 * to `ready` before the first test and closed after the last.
 */
export function useCoreWithApplication(overrides: Partial<CoreConfig>, ready: (core: CoreUnderTest, app: TestApplication) => void): void {
  let core: CoreUnderTest | undefined;
  beforeAll(async () => {
    core = await startCoreForTest({ activationExpiryJobIntervalMs: 0, ...overrides });
    ready(core, await createTestApplication(core.v3));
  });
  afterAll(async () => {
    await core?.close();
  });
}

/** A [yesterday, tomorrow] window for the history and audit queries. */
export function aroundNow(days = 1) {
  const span = days * 24 * 3600 * 1000;
  return { timestampFrom: timestampFromDate(new Date(Date.now() - span)), timestampTo: timestampFromDate(new Date(Date.now() + span)) };
}

export interface TestApplication {
  applicationId: bigint;
  applicationKey: string;
  applicationSecret: string;
  masterPublicKey: string;
}

/** CreateApplication + GetApplicationDetail: what a device needs to know about its application. */
export async function createTestApplication(v3: V3Client, name = `app-${randomUUID()}`): Promise<TestApplication> {
  const created = await v3.createApplication({ applicationName: name });
  const detail = await v3.getApplicationDetail({ applicationId: created.applicationId });
  const version = detail.versions[0];
  return {
    applicationId: created.applicationId,
    applicationKey: version.applicationKey,
    applicationSecret: version.applicationSecret,
    masterPublicKey: detail.masterPublicKey,
  };
}

export function newDevice(app: TestApplication, protocolVersion: "3.0" | "3.1" = "3.1"): SimulatedDevice {
  return new SimulatedDevice({
    applicationKey: app.applicationKey,
    applicationSecret: app.applicationSecret,
    masterPublicKey: app.masterPublicKey,
    protocolVersion,
  });
}

/**
 * InitActivation + PrepareActivation (+ CommitActivation unless `commit: false`): a device with an ACTIVE (or
 * OTP_USED) activation.
 */
export async function activateDevice(
  v3: V3Client,
  app: TestApplication,
  options: { userId?: string; maxFailureCount?: bigint; protocolVersion?: "3.0" | "3.1"; commit?: boolean } = {},
): Promise<{ device: SimulatedDevice; activationId: string; userId: string }> {
  const userId = options.userId ?? `user-${randomUUID()}`;
  const init = await v3.initActivation({ userId, applicationId: app.applicationId, maxFailureCount: options.maxFailureCount });
  const device = newDevice(app, options.protocolVersion);
  const prepared = await v3.prepareActivation({
    activationCode: init.activationCode,
    applicationKey: app.applicationKey,
    ...device.createActivationRequest(),
  });
  device.processActivationResponse(prepared);
  if (options.commit ?? true) await v3.commitActivation({ activationId: init.activationId });
  return { device, activationId: init.activationId, userId };
}

/** VerifySignature fields from a request the device signed. */
export function verifySignatureRequest(signed: SignedRequest) {
  return {
    activationId: signed.activationId,
    applicationKey: signed.applicationKey,
    data: signed.data,
    signature: signed.signature,
    signatureType: SignatureType[signed.signatureType],
    signatureVersion: signed.signatureVersion,
  };
}

/** Signs a fresh request and asks the core to verify it. */
export async function signAndVerify(v3: V3Client, device: SimulatedDevice, type: SimSignatureType = "POSSESSION_KNOWLEDGE") {
  const signed = device.signRequest("POST", "/pa/signature/validate", `{"n":"${randomUUID()}"}`, type);
  return v3.verifySignature(verifySignatureRequest(signed));
}

/** A signature the server must reject: the right request with a wrong knowledge factor (a wrong PIN). */
export function corruptSignature(signed: SignedRequest): SignedRequest {
  const signature = signed.signature.includes("-")
    ? signed.signature.replace(/\d(?=[^-]*$)/, (d) => String((Number(d) + 1) % 10))
    : flipBit(signed.signature);
  return { ...signed, signature };
}

/** The ERRxxxx code of a failed call (from the ErrorDetail), or throws if the call did not fail. */
export async function errorCodeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    const [detail] = connectError.findDetails(ErrorDetailSchema);
    return detail?.code ?? `no-detail:${connectError.code}`;
  }
  throw new Error("expected the call to fail");
}

function flipBit(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[bytes.length - 1] ^= 1;
  return bytes.toString("base64");
}
