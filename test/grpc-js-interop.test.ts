import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { ActivationStatus, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreForTest } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";

// The core must serve stock @grpc/grpc-js clients (what most internal Node services use), not only Connect's
// own. The client is built from the generated descriptors alone: paths from the service descriptor, bytes
// through toBinary/fromBinary.

let t: CoreUnderTest;
let client: grpc.Client;

beforeAll(async () => {
  t = await startCoreForTest({ activationExpiryJobIntervalMs: 0 });
  client = new grpc.Client(new URL(t.core.url).host, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await t?.close();
});

/** One unary call described by a generated method descriptor. */
function unary<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>): Promise<MessageShape<O>> {
  const path = `/${method.parent.typeName}/${method.name}`;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, request),
      (error, response) => (error || !response ? reject(error ?? new Error("empty response")) : resolve(response)),
    );
  });
}

describe("a @grpc/grpc-js client", () => {
  it("creates an application, initiates an activation and reads its status", async () => {
    const application = await unary(PowerAuthService.method.createApplication, { applicationName: `grpc-js-${randomUUID()}` });
    expect(application.applicationId).toBeGreaterThan(0n);

    const init = await unary(PowerAuthService.method.initActivation, { userId: "grpc-js-user", applicationId: application.applicationId });
    expect(init).toMatchObject({ userId: "grpc-js-user", applicationId: application.applicationId });
    expect(init.activationCode).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);

    const status = await unary(PowerAuthService.method.getActivationStatus, { activationId: init.activationId });
    expect(status).toMatchObject({
      activationId: init.activationId,
      activationStatus: ActivationStatus.CREATED,
      userId: "grpc-js-user",
      activationCode: init.activationCode,
      version: 0n,
    });
    expect(Buffer.from(status.encryptedStatusBlob, "base64")).toHaveLength(32);
  });

  it("receives service errors as gRPC status with the reference's message", async () => {
    const failure = unary(PowerAuthService.method.initActivation, { userId: "u", applicationId: 987_654n });
    await expect(failure).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: "Application or application version does not exist.",
    });
  });
});
