import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSchema, UnsupportedSchemaError } from "./xsd-model.ts";
import type { ComplexType, ElementDecl, SchemaModel, XsdType } from "./xsd-model.ts";

const v3 = parseSchema(readXsd("PowerAuth-3.0.xsd"));
const v2 = parseSchema(readXsd("PowerAuth-2.0.xsd"));
const original30 = parseSchema(readXsd("reference/PowerAuth-3.0.xsd"));

function child(decl: ElementDecl | undefined, name: string): ElementDecl {
  const type = decl?.type as ComplexType;
  const found = type.elements.find((e) => e.name === name);
  if (!found) throw new Error(`${decl?.name} has no ${name}`);
  return found;
}

/** The schema as a 3.0 client sees it: ext:since elements removed, ext:minOccurs30 restored. */
function as30(model: SchemaModel): Record<string, unknown> {
  const type = (t: XsdType): unknown =>
    t.kind === "complex"
      ? { name: t.name, elements: t.elements.filter((e) => !e.since).map(element) }
      : t.kind === "enum"
        ? { enum: t.name, values: t.values }
        : t.name;
  const element = (e: ElementDecl): unknown => ({
    name: e.name,
    type: type(e.type),
    minOccurs: e.minOccurs30 ?? e.minOccurs,
    maxOccurs: e.maxOccurs,
  });
  return Object.fromEntries([...model.elements.values()].filter((e) => !e.since).map((e) => [e.name, element(e)]));
}

describe("parseSchema()", () => {
  it("finds the 45 v3 and 6 v2 operations", () => {
    expect(v3.targetNamespace).toBe("http://getlime.io/security/powerauth/v3");
    expect(v3.operations).toHaveLength(45);
    expect(v3.operations.slice(0, 3)).toEqual(["GetSystemStatus", "GetErrorCodeList", "GetApplicationList"]);
    expect(v2.targetNamespace).toBe("http://getlime.io/security/powerauth/v2");
    expect(v2.operations).toEqual([
      "PrepareActivation",
      "CreateActivation",
      "VaultUnlock",
      "GetNonPersonalizedEncryptionKey",
      "GetPersonalizedEncryptionKey",
      "CreateToken",
    ]);
  });

  it("reads element types, occurrences, enumerations and named complex types", () => {
    const status = v3.elements.get("GetActivationStatusResponse");
    expect(child(status, "activationStatus").type).toEqual({
      kind: "enum",
      name: "ActivationStatus",
      values: ["CREATED", "OTP_USED", "ACTIVE", "BLOCKED", "REMOVED"],
    });
    expect(child(status, "timestampLastChange")).toMatchObject({ minOccurs: 0, maxOccurs: 1, type: { kind: "builtin", name: "dateTime" } });
    const items = child(v3.elements.get("SignatureAuditResponse"), "items");
    expect(items.maxOccurs).toBe(Number.POSITIVE_INFINITY);
    const additionalInfo = child(items, "additionalInfo");
    expect(additionalInfo.type).toMatchObject({ kind: "complex", name: "KeyValueMap" });
    expect(child(child(additionalInfo, "entry"), "key")).toMatchObject({ minOccurs: 1, maxOccurs: 1 });
    expect(child(v3.elements.get("VerifySignatureResponse"), "remainingAttempts").type).toEqual({ kind: "builtin", name: "integer" });
  });

  it("marks the protocol 3.1 elements, all optional", () => {
    const marked: string[] = [];
    const walk = (e: ElementDecl, path: string) => {
      if (e.since) marked.push(`${path}${e.name}`);
      if (e.type.kind === "complex") for (const c of e.type.elements) walk(c, `${path}${e.name}/`);
    };
    for (const e of v3.elements.values()) walk(e, "");
    expect(marked.sort()).toEqual(
      [
        "ConfirmRecoveryCodeRequest/nonce",
        "CreateActivationRequest/nonce",
        "CreateTokenRequest/nonce",
        "GetActivationStatusRequest/challenge",
        "GetActivationStatusResponse/encryptedStatusBlobNonce",
        "GetApplicationDetailRequest/applicationName",
        "PrepareActivationRequest/nonce",
        "RecoveryCodeActivationRequest/nonce",
        "SignatureAuditResponse/items/signatureVersion",
        "StartUpgradeRequest/nonce",
        "VaultUnlockRequest/nonce",
        "VaultUnlockRequest/signatureVersion",
        "VerifySignatureRequest/signatureVersion",
      ].sort(),
    );
  });

  it("is exactly the original PowerAuth-3.0.xsd once the 3.1 additions are taken out", () => {
    expect(as30(v3)).toEqual(as30(original30));
  });

  it.each([
    ["xs:choice", `<xs:element name="A"><xs:complexType><xs:choice/></xs:complexType></xs:element>`],
    ["an unsupported built-in", `<xs:element name="A"><xs:complexType><xs:sequence><xs:element name="b" type="xs:decimal"/></xs:sequence></xs:complexType></xs:element>`],
    ["nillable", `<xs:element name="A"><xs:complexType><xs:sequence><xs:element name="b" type="xs:string" nillable="true"/></xs:sequence></xs:complexType></xs:element>`],
    ["xs:attribute", `<xs:element name="A"><xs:complexType><xs:sequence/><xs:attribute name="x"/></xs:complexType></xs:element>`],
    ["an undefined type", `<xs:element name="A"><xs:complexType><xs:sequence><xs:element name="b" type="tns:Nope"/></xs:sequence></xs:complexType></xs:element>`],
    ["a required later-protocol element", `<xs:element name="A"><xs:complexType><xs:sequence><xs:element name="b" type="xs:string" ext:since="3.1"/></xs:sequence></xs:complexType></xs:element>`],
  ])("rejects a schema using %s", (_label, body) => {
    const xsd = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:t" xmlns:ext="urn:powerauth-server-ts:xsd-extensions" targetNamespace="urn:t" elementFormDefault="qualified">${body}</xs:schema>`;
    expect(() => parseSchema(xsd)).toThrow(UnsupportedSchemaError);
  });
});

function readXsd(name: string): string {
  return readFileSync(new URL(`../xsd/${name}`, import.meta.url), "utf8");
}
