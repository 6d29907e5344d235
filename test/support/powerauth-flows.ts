import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { ErrorDetailSchema, SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe } from "vitest";
import type { CoreConfig } from "../../core/src/config.ts";
import { SimulatedDevice } from "../simulator/index.ts";
import type { SignedRequest, SimSignatureType } from "../simulator/index.ts";
import { startCoreForTest, SURFACES } from "./core-in-process.ts";
import type { CoreUnderTest, Surface, TestCoreOptions } from "./core-in-process.ts";
import { SOAP_FAULTCODE } from "./soap-proto-client.ts";

/** Flows the scenario tests share on either surface: an application, an activated simulated device, a signed request. */

export type V3Client = Client<typeof PowerAuthService>;

/**
 * One in-process core (expiry job and callback delivery off unless overridden, so the outbox stays as
 * written), reached through the chosen surface, and one
 * application for the enclosing describe block (or file), handed to `ready` before its first test and closed
 * after its last.
 */
export function useCoreWithApplication(
  overrides: Partial<CoreConfig>,
  ready: (core: CoreUnderTest, app: TestApplication) => void,
  options: TestCoreOptions = {},
): void {
  let core: CoreUnderTest | undefined;
  beforeAll(async () => {
    core = await startCoreForTest({ activationExpiryJobIntervalMs: 0, callbackDeliveryEnabled: false, ...overrides }, options);
    ready(core, await createTestApplication(core.v3));
  });
  afterAll(async () => {
    await core?.close();
  });
}

/**
 * The scenarios of `body` once per surface, in a describe block "through grpc" / "through soap", each with its
 * own core and application. `t` and `app` are filled in before the block's first test (so read them inside
 * tests and hooks, not while the block is being declared); `t.v3` speaks the block's surface.
 */
export function describeEachSurface(
  body: (t: CoreUnderTest, app: TestApplication, surface: Surface) => void,
  overrides: Partial<CoreConfig> = {},
): void {
  describe.each(SURFACES)("through %s", (surface) => {
    const t = {} as CoreUnderTest;
    const app = {} as TestApplication;
    const ready = (core: CoreUnderTest, application: TestApplication) => {
      Object.assign(t, core);
      Object.assign(app, application);
    };
    useCoreWithApplication(overrides, ready, { surface });
    body(t, app, surface);
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

/** The 3.0 status blob of a freshly committed activation with the default 5 attempts, as the device reads it. */
export const FRESH_ACTIVE_STATUS = { activationStatus: 3, currentVersion: 3, upgradeVersion: 3, failedAttempts: 0, maxFailedAttempts: 5 };

/**
 * VerifySignature fields from a request the device signed. A 3.0 device's request has no signatureVersion, as
 * a client generated from the 0.22 schema (which has no such element) sends it; the server takes it for 3.0.
 */
export function verifySignatureRequest(signed: SignedRequest) {
  return {
    activationId: signed.activationId,
    applicationKey: signed.applicationKey,
    data: signed.data,
    signature: signed.signature,
    signatureType: SignatureType[signed.signatureType],
    signatureVersion: protocol31Only(signed.signatureVersion),
  };
}

/** Signs a fresh request and asks the core to verify it. */
export async function signAndVerify(v3: V3Client, device: SimulatedDevice, type: SimSignatureType = "POSSESSION_KNOWLEDGE") {
  const signed = device.signRequest("POST", "/pa/signature/validate", `{"n":"${randomUUID()}"}`, type);
  return v3.verifySignature(verifySignatureRequest(signed));
}

/** ValidateToken fields for the device's digest of its token (the simulator gives the timestamp as a number). */
export function tokenDigest(device: SimulatedDevice, token: { tokenId: string; tokenSecret: string }, options: { timestamp?: number } = {}) {
  const digest = device.computeTokenDigest(token, options);
  return { ...digest, timestamp: BigInt(digest.timestamp) };
}

/**
 * CreateToken as the enrollment server asks for it: only after the device's signature of the request verified
 * (throws otherwise). Returns the token the device opened from the encrypted answer.
 */
export async function issueToken(v3: V3Client, device: SimulatedDevice, type: "POSSESSION" | "POSSESSION_KNOWLEDGE" = "POSSESSION_KNOWLEDGE") {
  const request = device.createTokenRequest(type);
  const verified = await v3.verifySignature(verifySignatureRequest(request.signedRequest));
  if (!verified.signatureValid) throw new Error("the token request's signature did not verify");
  const response = await v3.createToken(createTokenFields(request));
  return device.processTokenResponse(response);
}

/** The CreateToken call for a device's token request, as the intermediate forwards it. */
export function createTokenFields(request: ReturnType<SimulatedDevice["createTokenRequest"]>) {
  return {
    activationId: request.activationId,
    applicationKey: request.applicationKey,
    ephemeralPublicKey: request.ephemeralPublicKey,
    encryptedData: request.encryptedData,
    mac: request.mac,
    nonce: request.nonce,
    signatureType: SignatureType[request.signatureType],
  };
}

/** VaultUnlock fields signed by the device, optionally with a wrong PIN (no signatureVersion from a 3.0 device). */
export function vaultUnlockRequest(device: SimulatedDevice, options: { type?: SimSignatureType; reason?: string; wrongPin?: boolean } = {}) {
  const request = device.createVaultUnlockRequest(options.type ?? "POSSESSION_KNOWLEDGE", options.reason ?? "FETCH_ENCRYPTION_KEY");
  const signature = options.wrongPin ? corruptSignature(request).signature : request.signature;
  return { ...request, signature, signatureType: SignatureType[request.signatureType], signatureVersion: protocol31Only(request.signatureVersion) };
}

/** A signature the server must reject: the right request with a wrong knowledge factor (a wrong PIN). */
export function corruptSignature<T extends Pick<SignedRequest, "signature">>(signed: T): T {
  const signature = signed.signature.includes("-")
    ? signed.signature.replace(/\d(?=[^-]*$)/, (d) => String((Number(d) + 1) % 10))
    : flipBit(signed.signature);
  return { ...signed, signature };
}

/**
 * The ERRxxxx code of a failed call (from the ErrorDetail); for a SOAP fault without an errorCode "soap:" and the
 * faultcode ("soap:Client" when the gateway refused the request before the core saw it); throws if the call did
 * not fail.
 */
export async function errorCodeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    const [detail] = connectError.findDetails(ErrorDetailSchema);
    const soapFaultcode = connectError.metadata.get(SOAP_FAULTCODE);
    return detail?.code ?? (soapFaultcode ? `soap:${soapFaultcode}` : `no-detail:${connectError.code}`);
  }
  throw new Error("expected the call to fail");
}

/**
 * What `errorCodeOf` gives for a request the XSD does not allow (a missing required element, a value outside an
 * enumeration): the SOAP gateway refuses it with a soap:Client fault before the core sees it; over gRPC the
 * core's own validation answers ERR0024.
 */
export function schemaViolation(surface: Surface): string {
  return surface === "soap" ? "soap:Client" : "ERR0024";
}

/** signatureVersion as a client sends it: absent for 3.0 and 2.x, whose schema has no such element. */
function protocol31Only(signatureVersion: string): string | undefined {
  return signatureVersion === "3.0" || signatureVersion.startsWith("2.") ? undefined : signatureVersion;
}

function flipBit(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[bytes.length - 1] ^= 1;
  return bytes.toString("base64");
}
