import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { startSoapGateway } from "../gateway-soap/src/server.ts";
import type { SoapGateway } from "../gateway-soap/src/server.ts";
import { startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { bodyOf, chunked, openSocket, sendAllThenRead, sendAndAwaitClose, trickleUntilClosed } from "./support/raw-http.ts";
import { buildEnvelope } from "./support/soap-client.ts";

// Limits and timeouts of both gateways' listeners (#13 §3), against the real core with restricted access on:
// oversized bodies get each surface's 413 even from a client that writes everything before reading, slow,
// stalled and idle connections are closed within the configured time, and credentials are checked before a
// payload is decoded or a body parsed. The timing bounds are the point of these tests: each allows the
// configured timeout plus Node's checking period and generous slack for a loaded machine.

const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 400, maxHeaderBytes: 4096, maxConnections: 4 };
/** Node checks header and request timeouts on a period (a quarter of the header timeout here), then we allow slack. */
const SLACK_MS = 1500;

let t: CoreUnderTest;
let soap: SoapGateway;
let rest: RestGateway;

beforeAll(async () => {
  t = await startCoreForTest({ restrictAccess: true });
  soap = await startSoapGateway({ port: 0, coreUrl: t.core.url, log: () => {}, limits: LIMITS });
  rest = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {}, limits: LIMITS });
});

afterAll(async () => {
  await soap?.close();
  await rest?.close();
  await t?.close();
});

const TEN_MB = Buffer.alloc(10 * 1024 * 1024, "x");

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

function soapHead(extra: string): string {
  const { host } = new URL(soap.url);
  return `POST ${new URL(soap.url).pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: ""\r\n${extra}\r\n`;
}

function restHead(path: string, extra: string, authorization = basic(TEST_ADMIN.username, TEST_ADMIN.password)): string {
  const { host } = new URL(rest.url);
  return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: ${authorization}\r\n${extra}\r\n`;
}

describe("SOAP gateway listener", () => {
  it("answers a 10 MB body with 413 and a soap:Client fault, declared or chunked, even to a client that reads only after sending", async () => {
    for (const [head, body] of [
      [soapHead(`Content-Length: ${TEN_MB.length}\r\n`), TEN_MB],
      [soapHead("Transfer-Encoding: chunked\r\n"), chunked(TEN_MB)],
    ] as const) {
      const answer = await sendAllThenRead(soap.url, head, body);
      expect(answer.error).toBeUndefined();
      expect(answer.status).toBe(413);
      expect(answer.response).toMatch(/\r\nConnection: close\r\n/i);
      expect(bodyOf(answer.response)).toMatch(/<faultcode>SOAP-ENV:Client<\/faultcode><faultstring xml:lang="en">Request body exceeds 1048576 bytes\.<\/faultstring>/);
    }
  });

  it("closes a slowloris (headers trickling in) with a 408 fault within the header timeout", async () => {
    const slow = await trickleUntilClosed(soap.url, soapHead("X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"), 20);
    expect(slow.status).toBe(408);
    expect(slow.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + SLACK_MS);
  });

  it("answers a stalled body with a 408 fault and closes within the request timeout", async () => {
    const stalled = await sendAndAwaitClose(soap.url, [soapHead("Content-Length: 1000\r\n"), "<SOAP-ENV:Envelope"]);
    expect(stalled.status).toBe(408);
    expect(bodyOf(stalled.response)).toContain("<faultcode>SOAP-ENV:Client</faultcode>");
    expect(stalled.closedAfterMs).toBeLessThan(LIMITS.requestTimeoutMs + SLACK_MS);
  });

  it("closes a keep-alive connection idle after its request within the idle timeout", async () => {
    const { host, pathname } = new URL(soap.url);
    const idle = await sendAndAwaitClose(soap.url, [`GET ${pathname}/serviceV3.wsdl HTTP/1.1\r\nHost: ${host}\r\n\r\n`]);
    expect(idle.status).toBe(200);
    expect(idle.closedAfterMs).toBeLessThan(LIMITS.idleTimeoutMs + SLACK_MS);
  });

  it("closes a connection that never sends a byte within the header timeout", async () => {
    const silent = await sendAndAwaitClose(soap.url, []);
    expect(silent.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + SLACK_MS);
  });

  it("answers headers over the limit with 431 and a soap:Client fault", async () => {
    const big = await sendAndAwaitClose(soap.url, [soapHead(`X-Big: ${"b".repeat(8192)}\r\nContent-Length: 0\r\n`)]);
    expect(big.status).toBe(431);
    expect(bodyOf(big.response)).toContain("<faultcode>SOAP-ENV:Client</faultcode>");
  });

  it("without valid credentials never decodes the payload: an XSD-invalid request gets the authentication fault", async () => {
    const invalidPayload = buildEnvelope("v3", "GetActivationStatus", { activationId: "x", unknownElement: "y" });
    for (const envelope of [invalidPayload, buildEnvelope("v3", "GetActivationStatus", { activationId: "x", unknownElement: "y" }, { username: "nobody", password: "wrong" })]) {
      const response = await fetch(soap.url, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8" }, body: envelope });
      const xml = await response.text();
      expect(xml).toMatch(/<faultcode>SOAP-ENV:Client<\/faultcode><faultstring xml:lang="en">Authentication failed/);
      expect(xml).not.toContain("Invalid request");
    }
  });
});

describe("REST gateway listener", () => {
  it("answers a 10 MB body with 413 ERROR_REQUEST, declared or chunked, even to a client that reads only after sending", async () => {
    for (const [head, body] of [
      [restHead("/admin/applications", `Content-Length: ${TEN_MB.length}\r\n`), TEN_MB],
      [restHead("/admin/applications", "Transfer-Encoding: chunked\r\n"), chunked(TEN_MB)],
    ] as const) {
      const answer = await sendAllThenRead(rest.url, head, body);
      expect(answer.error).toBeUndefined();
      expect(answer.status).toBe(413);
      expect(JSON.parse(bodyOf(answer.response))).toEqual({
        status: "ERROR",
        responseObject: { code: "ERROR_REQUEST", message: "Request body exceeds the limit of 65536 bytes" },
      });
    }
  });

  it("answers 401 before reading a body: a wrong password with a malformed or huge body is 401, never 400 or 413", async () => {
    const wrong = basic(TEST_ADMIN.username, "wrong-password");
    const malformed = await sendAllThenRead(rest.url, restHead("/admin/applications", "Content-Length: 9\r\n", wrong), Buffer.from("{not json"));
    expect(malformed.status).toBe(401);
    const huge = await sendAllThenRead(rest.url, restHead("/admin/applications", `Content-Length: ${TEN_MB.length}\r\n`, wrong), TEN_MB);
    expect(huge.error).toBeUndefined();
    expect(huge.status).toBe(401);
    expect(JSON.parse(bodyOf(huge.response))).toEqual({ status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } });
  });

  it("closes a slowloris with 408 within the header timeout", async () => {
    const slow = await trickleUntilClosed(rest.url, restHead("/admin/applications", "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"), 20);
    expect(slow.status).toBe(408);
    expect(slow.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + SLACK_MS);
  });

  it("answers a stalled body with 408 ERROR_REQUEST and closes within the request timeout", async () => {
    const stalled = await sendAndAwaitClose(rest.url, [restHead("/admin/applications", "Content-Length: 1000\r\n"), '{"id":"']);
    expect(stalled.status).toBe(408);
    expect(JSON.parse(bodyOf(stalled.response))).toMatchObject({ responseObject: { code: "ERROR_REQUEST" } });
    expect(stalled.closedAfterMs).toBeLessThan(LIMITS.requestTimeoutMs + SLACK_MS);
  });

  it("closes a keep-alive connection idle after its request within the idle timeout", async () => {
    const { host } = new URL(rest.url);
    const idle = await sendAndAwaitClose(rest.url, [`GET /admin/applications HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basic(TEST_ADMIN.username, TEST_ADMIN.password)}\r\n\r\n`]);
    expect(idle.status).toBe(200);
    expect(idle.closedAfterMs).toBeLessThan(LIMITS.idleTimeoutMs + SLACK_MS);
  });

  it("answers headers over the limit with 431 ERROR_REQUEST", async () => {
    const big = await sendAndAwaitClose(rest.url, [restHead("/admin/applications", `X-Big: ${"b".repeat(8192)}\r\nContent-Length: 0\r\n`)]);
    expect(big.status).toBe(431);
    expect(JSON.parse(bodyOf(big.response))).toMatchObject({ responseObject: { code: "ERROR_REQUEST", message: "Request headers are too large" } });
  });

  it("takes at most the configured number of connections; the next one is closed at once, and a freed slot serves again", async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => openSocket(rest.url)));
    // The listener counts a connection once it accepted it; let it catch up before the one too many.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await sendAndAwaitClose(rest.url, [`GET /admin/applications HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(refused.status).toBe(0);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${rest.url}/admin/applications`, { headers: { authorization: basic(TEST_ADMIN.username, TEST_ADMIN.password) } });
    expect(response.status).toBe(200);
  });
});
