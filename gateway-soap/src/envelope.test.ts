import { describe, expect, it } from "vitest";
import { PASSWORD_DIGEST, PASSWORD_TEXT, readEnvelope, renderResponse, SoapEnvelopeError, WSSE_NS } from "./envelope.ts";
import { XmlSyntaxError } from "./xml.ts";

const ENV = "http://schemas.xmlsoap.org/soap/envelope/";
const V3 = "http://getlime.io/security/powerauth/v3";

function envelope(body: string, header = ""): string {
  return `<soapenv:Envelope xmlns:soapenv="${ENV}" xmlns:v3="${V3}" xmlns:wsse="${WSSE_NS}">${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function security(token: string, attrs = ""): string {
  return `<soapenv:Header><wsse:Security${attrs}>${token}</wsse:Security></soapenv:Header>`;
}

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SoapEnvelopeError) return err.kind;
    if (err instanceof XmlSyntaxError) return "xml";
    throw err;
  }
  return "none";
}

describe("readEnvelope()", () => {
  it("returns the single Body child, whatever prefixes are used", () => {
    const req = readEnvelope(`<e:Envelope xmlns:e="${ENV}"><e:Body>\n  <GetSystemStatusRequest xmlns="${V3}"/>\n</e:Body></e:Envelope>`);
    expect([req.payload.ns, req.payload.local]).toEqual([V3, "GetSystemStatusRequest"]);
    expect(req.credentials).toBeUndefined();
  });

  it("reads a PasswordText UsernameToken (with or without the Type attribute)", () => {
    const typed = security(
      `<wsse:UsernameToken><wsse:Username>client-token</wsse:Username><wsse:Password Type="${PASSWORD_TEXT}">s3cr&amp;t</wsse:Password></wsse:UsernameToken>`,
      ` soapenv:mustUnderstand="1"`,
    );
    expect(readEnvelope(envelope("<v3:GetSystemStatusRequest/>", typed)).credentials).toEqual({ username: "client-token", password: "s3cr&t" });
    const untyped = security(`<wsse:UsernameToken><wsse:Username>u</wsse:Username><wsse:Password>p</wsse:Password></wsse:UsernameToken>`);
    expect(readEnvelope(envelope("<v3:GetSystemStatusRequest/>", untyped)).credentials).toEqual({ username: "u", password: "p" });
  });

  it("ignores a Security header without UsernameToken and headers for other actors", () => {
    const header = `<soapenv:Header><wsse:Security><wsu:Timestamp xmlns:wsu="urn:wsu"/></wsse:Security>` +
      `<x:Routing xmlns:x="urn:x" soapenv:actor="urn:some-proxy" soapenv:mustUnderstand="1"/></soapenv:Header>`;
    expect(readEnvelope(envelope("<v3:GetSystemStatusRequest/>", header)).credentials).toBeUndefined();
  });

  it("rejects PasswordDigest as an unsupported token", () => {
    const digest = security(
      `<wsse:UsernameToken><wsse:Username>u</wsse:Username><wsse:Password Type="${PASSWORD_DIGEST}">abc=</wsse:Password></wsse:UsernameToken>`,
    );
    expect(() => readEnvelope(envelope("<v3:GetSystemStatusRequest/>", digest))).toThrow(/only PasswordText is supported/);
    expect(kindOf(() => readEnvelope(envelope("<v3:GetSystemStatusRequest/>", digest)))).toBe("unsupported-token");
  });

  it.each([
    ["a SOAP 1.2 envelope", `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, "version-mismatch"],
    ["an Envelope in no namespace", `<Envelope><Body/></Envelope>`, "version-mismatch"],
    ["a document that is no envelope", `<v3:GetSystemStatusRequest xmlns:v3="${V3}"/>`, "client"],
    ["a missing Body", `<e:Envelope xmlns:e="${ENV}"><e:Header/></e:Envelope>`, "client"],
    ["an empty Body", envelope(""), "client"],
    ["two Body children", envelope("<v3:A/><v3:B/>"), "client"],
    ["text in the Body", envelope("hello<v3:A/>"), "client"],
    ["a header it must understand but does not", envelope("<v3:A/>", `<soapenv:Header><x:Tx xmlns:x="urn:x" soapenv:mustUnderstand="1"/></soapenv:Header>`), "must-understand"],
    ["an unqualified header entry", envelope("<v3:A/>", "<soapenv:Header><Tx/></soapenv:Header>"), "client"],
    ["a UsernameToken without Password", envelope("<v3:A/>", security("<wsse:UsernameToken><wsse:Username>u</wsse:Username></wsse:UsernameToken>")), "client"],
    ["a UsernameToken without Username", envelope("<v3:A/>", security("<wsse:UsernameToken><wsse:Password>p</wsse:Password></wsse:UsernameToken>")), "client"],
    ["a Username with a colon", envelope("<v3:A/>", security("<wsse:UsernameToken><wsse:Username>a:b</wsse:Username><wsse:Password>p</wsse:Password></wsse:UsernameToken>")), "client"],
    ["a DOCTYPE", `<!DOCTYPE e:Envelope [<!ENTITY x "y">]>${envelope("<v3:A/>")}`, "xml"],
  ])("rejects %s", (_label, xml, kind) => {
    expect(kindOf(() => readEnvelope(xml))).toBe(kind);
  });
});

describe("renderResponse()", () => {
  it("wraps the payload in a SOAP 1.1 envelope that reads back", () => {
    const xml = renderResponse(`<ns2:GetSystemStatusResponse xmlns:ns2="${V3}"/>`);
    expect(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="${ENV}">`)).toBe(true);
    expect(readEnvelope(xml).payload.local).toBe("GetSystemStatusResponse");
  });
});

describe("readEnvelope() credential bounds", () => {
  const token = (username: string, password: string) =>
    security(`<wsse:UsernameToken><wsse:Username>${username}</wsse:Username><wsse:Password>${password}</wsse:Password></wsse:UsernameToken>`);
  const body = "<v3:GetSystemStatusRequest/>";

  it("accepts credentials of up to 1024 characters", () => {
    const req = readEnvelope(envelope(body, token("u".repeat(1024), "p".repeat(1024))));
    expect(req.credentials?.username).toHaveLength(1024);
  });

  it.each([
    ["a 60,000-character username", "u".repeat(60_000), "p", /wsse:Username is longer than 1024/],
    ["a 1025-character password", "u", "p".repeat(1025), /wsse:Password is longer than 1024/],
    ["a tab inside the password", "u", "a&#9;b", /wsse:Password must not contain control characters/],
  ])("refuses %s as a client error", (_name, username, password, message) => {
    expect(() => readEnvelope(envelope(body, token(username, password)))).toThrow(message);
    expect(kindOf(() => readEnvelope(envelope(body, token(username, password))))).toBe("client");
  });

  it("refuses a NUL character reference in the username as malformed XML", () => {
    expect(kindOf(() => readEnvelope(envelope(body, token("ad&#0;min", "p"))))).toBe("xml");
  });
});
