// HTTP-level tests of the gateway in front of a FAKE core (testing/fake-core.ts: canned answers, no business
// logic). Every response body is validated against the XSD with libxml2.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { PASSWORD_DIGEST, PASSWORD_TEXT, WSSE_NS } from "./envelope.ts";
import { startSoapGateway } from "./server.ts";
import type { RequestLogLine, SoapGateway } from "./server.ts";
import { readPackageFile } from "./soap-services.ts";
import { FAKE_ACTIVATION_ID, MISSING_ACTIVATION_ID, startFakeCore } from "./testing/fake-core.ts";
import type { FakeCore } from "./testing/fake-core.ts";
import { bodyPayload, validateAgainstXsd } from "./testing/xml-schema-validation.ts";
import { childElements, directText, parseXml } from "./xml.ts";
import type { XmlElement } from "./xml.ts";

const ENV = "http://schemas.xmlsoap.org/soap/envelope/";
const V3 = "http://getlime.io/security/powerauth/v3";
const V2 = "http://getlime.io/security/powerauth/v2";
const SERVED_V3_XSD = readPackageFile("xsd/PowerAuth-3.0.xsd");
const ORIGINAL_V3_XSD = readPackageFile("xsd/reference/PowerAuth-3.0.xsd");
const V2_XSD = readPackageFile("xsd/PowerAuth-2.0.xsd");

let core: FakeCore;
let gateway: SoapGateway;
const logs: RequestLogLine[] = [];

beforeAll(async () => {
  core = await startFakeCore();
  gateway = await startSoapGateway({ port: 0, coreUrl: core.url, log: (line) => logs.push(line), maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await gateway?.close();
  await core?.close();
});

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

async function post(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(gateway.url, { method: "POST", body, headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""', ...headers } });
  return { status: res.status, contentType: res.headers.get("content-type"), body: await res.text() };
}

/** GET with node:http, because fetch() does not let a caller set the Host header. */
function get(url: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"] ?? null, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

function envelope(payload: string, header = ""): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${ENV}" xmlns:v3="${V3}" xmlns:v2="${V2}">` +
    `<soapenv:Header>${header}</soapenv:Header><soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`
  );
}

function usernameToken(user: string, password: string, type = PASSWORD_TEXT): string {
  return (
    `<wsse:Security xmlns:wsse="${WSSE_NS}" soapenv:mustUnderstand="1"><wsse:UsernameToken>` +
    `<wsse:Username>${user}</wsse:Username><wsse:Password Type="${type}">${password}</wsse:Password>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}

function payloadOf(reply: Reply): XmlElement {
  const body = childElements(parseXml(reply.body)).find((e) => e.ns === ENV && e.local === "Body");
  return childElements(body as XmlElement)[0];
}

function text(el: XmlElement, local: string): string | undefined {
  const child = childElements(el).find((c) => c.local === local);
  return child ? directText(child) : undefined;
}

interface FaultView {
  readonly faultcode: string | undefined;
  readonly faultstring: string | undefined;
  readonly detail: Record<string, string> | undefined;
}

function faultOf(reply: Reply): FaultView {
  const fault = payloadOf(reply);
  expect([fault.ns, fault.local]).toEqual([ENV, "Fault"]);
  const detail = childElements(fault).find((c) => c.local === "detail");
  return {
    faultcode: text(fault, "faultcode"),
    faultstring: text(fault, "faultstring"),
    detail: detail ? Object.fromEntries(childElements(detail).map((c) => [c.local, directText(c)])) : undefined,
  };
}

async function expectValid(xsd: string, reply: Reply): Promise<void> {
  const result = await validateAgainstXsd(xsd, [bodyPayload(reply.body)]);
  expect(result.errors).toEqual([]);
}

describe("POST /powerauth-java-server/soap", () => {
  it("answers GetSystemStatus with a schema-valid response", async () => {
    const reply = await post(envelope("<v3:GetSystemStatusRequest/>"));
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe("text/xml; charset=utf-8");
    const payload = payloadOf(reply);
    expect([payload.ns, payload.local]).toEqual([V3, "GetSystemStatusResponse"]);
    expect(text(payload, "status")).toBe("OK");
    expect(text(payload, "buildTime")).toBe("2020-05-01T10:34:56.789Z");
    await expectValid(ORIGINAL_V3_XSD, reply);
  });

  it("gives a 3.0 client a 3.0 response: no encryptedStatusBlobNonce, valid against the original XSD", async () => {
    const reply = await post(envelope(`<v3:GetActivationStatusRequest><v3:activationId>${FAKE_ACTIVATION_ID}</v3:activationId></v3:GetActivationStatusRequest>`));
    expect(reply.status).toBe(200);
    const payload = payloadOf(reply);
    expect(text(payload, "activationStatus")).toBe("OTP_USED");
    expect(text(payload, "applicationId")).toBe("9007199254740993");
    expect(text(payload, "userId")).toBe("user & <friends>");
    expect(text(payload, "encryptedStatusBlobNonce")).toBeUndefined();
    await expectValid(ORIGINAL_V3_XSD, reply);
  });

  it("gives a 3.1 client (challenge sent) the encryptedStatusBlobNonce", async () => {
    const reply = await post(
      envelope(`<v3:GetActivationStatusRequest><v3:activationId>${FAKE_ACTIVATION_ID}</v3:activationId><v3:challenge>Y2hhbGxlbmdl</v3:challenge></v3:GetActivationStatusRequest>`),
    );
    expect(text(payloadOf(reply), "encryptedStatusBlobNonce")).toBe("bm9uY2U=");
    await expectValid(SERVED_V3_XSD, reply);
    const call = core.calls.at(-1);
    expect(call?.method).toBe("GetActivationStatus");
    expect(call?.request).toMatchObject({ activationId: FAKE_ACTIVATION_ID, challenge: "Y2hhbGxlbmdl" });
  });

  it("serves the v2 namespace on the same endpoint", async () => {
    const reply = await post(envelope(`<v2:GetPersonalizedEncryptionKeyRequest><v2:activationId>a</v2:activationId><v2:sessionIndex>MQ==</v2:sessionIndex></v2:GetPersonalizedEncryptionKeyRequest>`));
    expect(reply.status).toBe(200);
    expect(payloadOf(reply).ns).toBe(V2);
    expect(text(payloadOf(reply), "encryptionKeyIndex")).toBe("MQ==");
    await expectValid(V2_XSD, reply);
  });

  it("turns a core ErrorDetail into a Server fault with errorCode and localizedMessage", async () => {
    const reply = await post(envelope(`<v3:GetActivationStatusRequest><v3:activationId>${MISSING_ACTIVATION_ID}</v3:activationId></v3:GetActivationStatusRequest>`));
    expect(reply.status).toBe(500);
    expect(reply.contentType).toBe("text/xml; charset=utf-8");
    expect(faultOf(reply)).toEqual({
      faultcode: "SOAP-ENV:Server",
      faultstring: "Activation with given activation ID was not found.",
      detail: { errorCode: "ERR0009", localizedMessage: "Activation with given activation ID was not found." },
    });
  });

  it("adds currentRecoveryPukIndex to an ERR0028 fault", async () => {
    const reply = await post(
      envelope(
        `<v3:RecoveryCodeActivationRequest><v3:recoveryCode>AAAAA-BBBBB-CCCCC-DDDDD</v3:recoveryCode><v3:puk>0123456789</v3:puk>` +
          `<v3:applicationKey>k</v3:applicationKey><v3:ephemeralPublicKey>e</v3:ephemeralPublicKey><v3:encryptedData>d</v3:encryptedData>` +
          `<v3:mac>m</v3:mac></v3:RecoveryCodeActivationRequest>`,
      ),
    );
    expect(faultOf(reply).detail).toEqual({ errorCode: "ERR0028", localizedMessage: "Invalid recovery code.", currentRecoveryPukIndex: "3" });
  });

  it("forwards a PasswordText UsernameToken as authorization: Basic, and maps Unauthenticated to a Client fault", async () => {
    const ok = await post(envelope("<v3:GetApplicationListRequest/>", usernameToken("client-token", "client-secret")));
    expect(ok.status).toBe(200);
    expect(childElements(payloadOf(ok)).map((a) => text(a, "applicationName"))).toEqual(["app-1", "app-2"]);
    expect(core.calls.at(-1)?.authorization).toBe(`Basic ${Buffer.from("client-token:client-secret").toString("base64")}`);
    await expectValid(ORIGINAL_V3_XSD, ok);

    const denied = await post(envelope("<v3:GetApplicationListRequest/>", usernameToken("client-token", "wrong")));
    expect(denied.status).toBe(500);
    expect(faultOf(denied)).toMatchObject({ faultcode: "SOAP-ENV:Client", faultstring: expect.stringMatching(/^Authentication failed/) });

    const anonymous = await post(envelope("<v3:GetApplicationListRequest/>"));
    expect(core.calls.at(-1)?.authorization).toBeNull();
    expect(faultOf(anonymous).faultcode).toBe("SOAP-ENV:Client");
  });

  it("accepts the envelope a Spring-WS client with WSS4J sends (wsu:Id, Nonce, Created, mustUnderstand)", async () => {
    const wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    const body =
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${ENV}"><SOAP-ENV:Header>` +
      `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${wsu}" SOAP-ENV:mustUnderstand="1">` +
      `<wsse:UsernameToken wsu:Id="UsernameToken-4f1c"><wsse:Username>client-token</wsse:Username>` +
      `<wsse:Password Type="${PASSWORD_TEXT}">client-secret</wsse:Password>` +
      `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">bm9uY2U=</wsse:Nonce>` +
      `<wsu:Created>2024-01-01T00:00:00.000Z</wsu:Created></wsse:UsernameToken></wsse:Security></SOAP-ENV:Header>` +
      `<SOAP-ENV:Body><ns2:GetApplicationListRequest xmlns:ns2="${V3}"/></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
    const reply = await post(body);
    expect(reply.status).toBe(200);
    expect(payloadOf(reply).local).toBe("GetApplicationListResponse");
  });

  it("rejects a PasswordDigest token with a Client fault, without calling the core", async () => {
    const before = core.calls.length;
    const reply = await post(envelope("<v3:GetSystemStatusRequest/>", usernameToken("u", "ZGlnZXN0", PASSWORD_DIGEST)));
    expect(faultOf(reply)).toMatchObject({ faultcode: "SOAP-ENV:Client", faultstring: expect.stringContaining("only PasswordText is supported") });
    expect(core.calls.length).toBe(before);
  });

  it("answers a method the core does not implement with a Server fault, never a fake success", async () => {
    const reply = await post(envelope("<v3:CommitUpgradeRequest><v3:activationId>a</v3:activationId><v3:applicationKey>k</v3:applicationKey></v3:CommitUpgradeRequest>"));
    expect(faultOf(reply)).toEqual({ faultcode: "SOAP-ENV:Server", faultstring: "Method CommitUpgrade is not implemented yet.", detail: undefined });
  });

  it("hides an internal core error behind 'Unknown error occurred.'", async () => {
    const reply = await post(envelope("<v3:GetErrorCodeListRequest><v3:language>en</v3:language></v3:GetErrorCodeListRequest>"));
    expect(faultOf(reply)).toMatchObject({ faultcode: "SOAP-ENV:Server", faultstring: "Unknown error occurred." });
    expect(reply.body).not.toContain("exploded");
  });

  it("refuses to pass on a response the XSD does not allow", async () => {
    const reply = await post(
      envelope(
        `<v3:VerifySignatureRequest><v3:activationId>a</v3:activationId><v3:applicationKey>k</v3:applicationKey><v3:data>d</v3:data>` +
          `<v3:signature>s</v3:signature><v3:signatureType>POSSESSION_KNOWLEDGE</v3:signatureType></v3:VerifySignatureRequest>`,
      ),
    );
    expect(faultOf(reply)).toMatchObject({ faultcode: "SOAP-ENV:Server", faultstring: expect.stringMatching(/Unable to build the response/) });
  });

  it.each([
    ["a bad xs:long", envelope("<v3:GetApplicationDetailRequest><v3:applicationId>12abc</v3:applicationId></v3:GetApplicationDetailRequest>"), /applicationId: "12abc" is not a valid xs:long/],
    ["an xs:long out of range", envelope("<v3:GetApplicationDetailRequest><v3:applicationId>9223372036854775808</v3:applicationId></v3:GetApplicationDetailRequest>"), /out of range for xs:long/],
    ["a bad boolean", envelope("<v3:RemoveActivationRequest><v3:activationId>a</v3:activationId><v3:revokeRecoveryCodes>yes</v3:revokeRecoveryCodes></v3:RemoveActivationRequest>"), /not a valid xs:boolean/],
    ["a bad enumeration value", envelope("<v3:CreateTokenRequest><v3:activationId>a</v3:activationId><v3:applicationKey>k</v3:applicationKey><v3:ephemeralPublicKey>e</v3:ephemeralPublicKey><v3:encryptedData>d</v3:encryptedData><v3:mac>m</v3:mac><v3:signatureType>PIN</v3:signatureType></v3:CreateTokenRequest>"), /not a valid SignatureType/],
    ["a missing required element", envelope("<v3:GetActivationStatusRequest/>"), /missing required element activationId/],
    ["an unknown element", envelope("<v3:GetSystemStatusRequest><v3:verbose>true</v3:verbose></v3:GetSystemStatusRequest>"), /unknown element/],
    ["elements in the wrong order", envelope("<v3:CreateApplicationVersionRequest><v3:applicationVersionName>1.0</v3:applicationVersionName><v3:applicationId>1</v3:applicationId></v3:CreateApplicationVersionRequest>"), /missing required element applicationId|out of order/],
    ["unqualified children", envelope("<v3:GetActivationStatusRequest><activationId>a</activationId></v3:GetActivationStatusRequest>"), /unqualified/],
    ["an unknown operation", envelope("<v3:LookupActivationsRequest><v3:userIds>u</v3:userIds></v3:LookupActivationsRequest>"), /No operation for element \{http:\/\/getlime.io\/security\/powerauth\/v3\}LookupActivationsRequest/],
    ["a v3-only operation in the v2 namespace", envelope("<v2:GetSystemStatusRequest/>"), /No operation/],
    ["a response element", envelope("<v3:GetSystemStatusResponse/>"), /No operation/],
    ["a DOCTYPE", `<!DOCTYPE x [<!ENTITY big "boom">]>${envelope("<v3:GetSystemStatusRequest/>")}`, /DOCTYPE/],
    ["a DOCTYPE inside the body", envelope(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><v3:GetErrorCodeListRequest><v3:language>&e;</v3:language></v3:GetErrorCodeListRequest>`), /DOCTYPE/],
    ["malformed XML", `<soapenv:Envelope xmlns:soapenv="${ENV}"><soapenv:Body>`, /Malformed request/],
    ["an empty body", "", /Malformed request/],
    ["invalid UTF-8", new Uint8Array([0x3c, 0x61, 0xff, 0x3e, 0x3c, 0x2f, 0x61, 0x3e]), /not valid UTF-8/],
  ])("answers %s with a Client fault", async (_label, body: string | Uint8Array, message) => {
    const reply = await post(body);
    expect(reply.status).toBe(500);
    const fault = faultOf(reply);
    expect(fault.faultcode).toBe("SOAP-ENV:Client");
    expect(fault.faultstring).toMatch(message);
    expect(reply.body).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
  });

  it("answers a SOAP 1.2 envelope with a VersionMismatch fault", async () => {
    const reply = await post(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`);
    expect(faultOf(reply).faultcode).toBe("SOAP-ENV:VersionMismatch");
  });

  it("answers an oversized body with 413 and a Client fault", async () => {
    const filler = "x".repeat(70 * 1024);
    const reply = await post(envelope(`<v3:GetErrorCodeListRequest><v3:language>${filler}</v3:language></v3:GetErrorCodeListRequest>`));
    expect(reply.status).toBe(413);
    expect(faultOf(reply)).toMatchObject({ faultcode: "SOAP-ENV:Client", faultstring: expect.stringContaining("exceeds 65536 bytes") });
  });

  it("answers an oversized chunked body (no Content-Length) with 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(gateway.url, { method: "POST", headers: { "content-type": "text/xml" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 80; i++) req.write("x".repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("rejects a charset other than UTF-8", async () => {
    const reply = await post(envelope("<v3:GetSystemStatusRequest/>"), { "content-type": "text/xml; charset=ISO-8859-1" });
    expect(faultOf(reply)).toMatchObject({ faultcode: "SOAP-ENV:Client", faultstring: expect.stringContaining("UTF-8") });
  });

  it("answers with a Server fault when the core is unreachable", async () => {
    const lonely = await startSoapGateway({ port: 0, coreUrl: "http://127.0.0.1:1", log: () => {}, coreTimeoutMs: 2_000 });
    try {
      const res = await fetch(lonely.url, { method: "POST", body: envelope("<v3:GetSystemStatusRequest/>") });
      const reply = { status: res.status, contentType: res.headers.get("content-type"), body: await res.text() };
      expect(reply.status).toBe(500);
      expect(faultOf(reply)).toMatchObject({ faultcode: "SOAP-ENV:Server", faultstring: expect.stringMatching(/unavailable/) });
    } finally {
      await lonely.close();
    }
  });

  it("logs one line per request with operation, outcome and duration, never the password", async () => {
    logs.length = 0;
    await post(envelope("<v3:GetApplicationListRequest/>", usernameToken("client-token", "client-secret")));
    await post(envelope("<v3:GetApplicationDetailRequest><v3:applicationId>secret-ish</v3:applicationId></v3:GetApplicationDetailRequest>"));
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({ operation: "v3:GetApplicationList", outcome: "ok", status: 200 });
    expect(typeof logs[0].ms).toBe("number");
    expect(logs[1]).toMatchObject({ operation: "v3:GetApplicationDetail", outcome: "client-fault", error: "XsdInputError" });
    const all = JSON.stringify(logs);
    expect(all).not.toContain("client-secret");
    expect(all).not.toContain("secret-ish");
  });
});

describe("GET /powerauth-java-server/soap/*.wsdl", () => {
  it.each([
    ["serviceV3.wsdl", "PowerAuthPortV3Service"],
    ["serviceV2.wsdl", "PowerAuthPortV2Service"],
  ])("serves %s with soap:address rewritten to the request's host", async (file, service) => {
    const res = await get(`${gateway.url}/${file}`, { host: "pa.example.com:9090" });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe("text/xml; charset=utf-8");
    const wsdl = res.body;
    expect(wsdl).toContain(`<wsdl:service name="${service}">`);
    expect(wsdl).toContain(`<soap:address location="http://pa.example.com:9090/powerauth-java-server/soap"/>`);
    expect(parseXml(wsdl, { maxDepth: 64 }).local).toBe("definitions");
  });

  it("answers other paths with 404 and GET on the endpoint with 405", async () => {
    expect((await fetch(`${gateway.url}/serviceV4.wsdl`)).status).toBe(405);
    expect((await fetch(gateway.url.replace("/soap", "/rest"))).status).toBe(404);
    expect((await fetch(gateway.url)).status).toBe(405);
  });
});
