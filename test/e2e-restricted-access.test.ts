import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { GrpcJsClient, GrpcStatus } from "./support/grpc-js-client.ts";
import type { GrpcJsError } from "./support/grpc-js-client.ts";
import { callSoap } from "./support/soap-client.ts";
import type { SoapFault } from "./support/soap-client.ts";
import { startStack } from "./support/stack.ts";
import type { Stack } from "./support/stack.ts";

const ADMIN = { username: "ops", password: "ops-password" };
/** What the SOAP gateway answers for any refused credentials: a Client fault without the ERRxxxx detail. */
const AUTHENTICATION_FAULT: SoapFault = {
  faultcode: "SOAP-ENV:Client",
  faultstring: "Authentication failed: send a WS-Security UsernameToken (PasswordText) with valid integration credentials.",
  errorCode: undefined,
  localizedMessage: undefined,
};
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

let stack: Stack;
let grpcJs: GrpcJsClient;
let integration: { id: string; clientToken: string; clientSecret: string };

beforeAll(async () => {
  stack = await startStack({
    POWERAUTH_RESTRICT_ACCESS: "true",
    POWERAUTH_ADMIN_USERNAME: ADMIN.username,
    POWERAUTH_ADMIN_PASSWORD: ADMIN.password,
  });
  grpcJs = new GrpcJsClient(stack.coreUrl);
  // The operator bootstraps the first integration with the admin credentials.
  const created = await callSoap(stack.soapUrl, "v3", "CreateIntegration", { name: "bank-backend" }, { credentials: ADMIN });
  integration = created.payload as typeof integration;
});

afterAll(async () => {
  grpcJs?.close();
  await stack?.stop();
});

describe("restricted access (POWERAUTH_RESTRICT_ACCESS=true)", () => {
  it("refuses a SOAP call without a WS-Security UsernameToken with a client fault", async () => {
    const answer = await callSoap(stack.soapUrl, "v3", "GetSystemStatus");
    expect(answer.status).toBe(500);
    expect(answer.fault).toEqual(AUTHENTICATION_FAULT);
  });

  it("accepts a SOAP call carrying the integration's credentials as PasswordText", async () => {
    const credentials = { username: integration.clientToken, password: integration.clientSecret };
    const answer = await callSoap(stack.soapUrl, "v3", "GetSystemStatus", {}, { credentials });
    expect(answer.payload.status).toBe("OK");
    const list = await callSoap(stack.soapUrl, "v3", "GetIntegrationList", {}, { credentials });
    expect(list.payload.restrictedAccess).toBe("true");
  });

  it("refuses a SOAP call with a wrong secret", async () => {
    const answer = await callSoap(stack.soapUrl, "v3", "GetSystemStatus", {}, {
      credentials: { username: integration.clientToken, password: "wrong" },
    });
    expect(answer.status).toBe(500);
    expect(answer.fault).toEqual(AUTHENTICATION_FAULT);
  });

  it("does not let admin credentials call the PowerAuth service beyond integration management", async () => {
    const answer = await callSoap(stack.soapUrl, "v3", "GetApplicationList", {}, { credentials: ADMIN });
    expect(answer.status).toBe(500);
    expect(answer.fault).toEqual(AUTHENTICATION_FAULT);
  });

  it("requires HTTP Basic integration credentials in gRPC metadata", async () => {
    const anonymous = await grpcJs
      .unary(PowerAuthService, PowerAuthService.method.getSystemStatus, {})
      .catch((error: GrpcJsError) => error);
    expect(anonymous).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED, details: "Missing HTTP Basic credentials" });

    const authorized = await grpcJs.unary(PowerAuthService, PowerAuthService.method.getSystemStatus, {}, {
      authorization: basic(integration.clientToken, integration.clientSecret),
    });
    expect(authorized.status).toBe("OK");
  });

  it("stops accepting an integration once it is removed", async () => {
    const extra = (await callSoap(stack.soapUrl, "v3", "CreateIntegration", { name: "temporary" }, { credentials: ADMIN })).payload as typeof integration;
    const auth = { authorization: basic(extra.clientToken, extra.clientSecret) };
    expect((await grpcJs.unary(PowerAuthService, PowerAuthService.method.getSystemStatus, {}, auth)).status).toBe("OK");
    await grpcJs.unary(PowerAuthService, PowerAuthService.method.removeIntegration, { id: extra.id }, auth);
    const refused = await grpcJs.unary(PowerAuthService, PowerAuthService.method.getSystemStatus, {}, auth).catch((error: GrpcJsError) => error);
    expect(refused).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED, details: "Invalid integration credentials" });
  });

  it("keeps health checking open for orchestrators", async () => {
    const response = await fetch(`${stack.coreUrl}/grpc.health.v1.Health/Check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await response.json()).toEqual({ status: "SERVING" });
  });
});
