import { describe, expect, it } from "vitest";
import { create, equals } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import * as v3 from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { ResponseMappingError } from "./faults.ts";
import { bindMessage, ContractMismatchError, fromSoapRecord, fromSoapRequest, toSoapRecord, toSoapResponse } from "./mapping.ts";
import type { OperationBinding } from "./mapping.ts";
import { loadSoapServices, readPackageFile } from "./soap-services.ts";
import { validateAgainstXsd } from "./testing/xml-schema-validation.ts";
import { encodeElement, XsdInputError } from "./xsd-codec.ts";
import type { XsdItem, XsdRecord } from "./xsd-codec.ts";
import { parseXml } from "./xml.ts";
import type { ComplexType, ElementDecl } from "./xsd-model.ts";

const services = loadSoapServices();
const [serviceV3, serviceV2] = services;
const allOperations = services.flatMap((s) => [...s.operations.values()].map((op) => ({ service: s, op })));
const op = (name: string): OperationBinding => {
  const found = serviceV3.operations.get(`${name}Request`);
  if (!found) throw new Error(name);
  return found;
};
const ORIGINAL_30_XSD = readPackageFile("xsd/reference/PowerAuth-3.0.xsd");
const LATER = new Set(["3.1"]);
const NONE = new Set<string>();

/**
 * A value for every element of a type: repeated elements get two items, later-protocol elements are included
 * only when asked; values are chosen to catch precision and mapping slips (int64 beyond 2^53, non-first enum
 * values, millisecond timestamps, XML special characters).
 */
function sampleRecord(type: ComplexType, with31: boolean, seed = 1): XsdRecord {
  const out: Record<string, XsdItem | XsdItem[]> = {};
  type.elements.forEach((decl, i) => {
    if (decl.since && !with31) return;
    const one = (k: number) => sampleItem(decl, with31, seed * 31 + i * 7 + k);
    out[decl.name] = decl.maxOccurs > 1 ? [one(0), one(1)] : one(0);
  });
  return out;
}

function sampleItem(decl: ElementDecl, with31: boolean, seed: number): XsdItem {
  const t = decl.type;
  if (t.kind === "complex") return sampleRecord(t, with31, seed);
  if (t.kind === "enum") return t.values[seed % t.values.length];
  switch (t.name) {
    case "string":
      return `${decl.name} <&> ${seed}`;
    case "long":
    case "integer":
      return seed % 2 === 0 ? 9_007_199_254_740_993n + BigInt(seed) : -BigInt(seed);
    case "int":
      return BigInt(seed);
    case "boolean":
      return seed % 2 === 0;
    case "dateTime":
      return { seconds: 1_588_329_296n + BigInt(seed), nanos: (seed % 1000) * 1_000_000 };
  }
}

describe("bindOperations()", () => {
  it("binds all 45 v3 and 6 v2 operations to their RPCs", () => {
    expect(serviceV3.operations.size).toBe(45);
    expect(serviceV2.operations.size).toBe(6);
    for (const { service, op } of allOperations) {
      expect(op.method.name).toBe(op.name);
      expect(op.method.parent.typeName).toBe(`powerauth.${service.version}.PowerAuthService`);
    }
  });

  it("reports a schema that does not mirror the message", () => {
    const decl = serviceV3.schema.elements.get("VerifySignatureRequest") as ElementDecl;
    expect(() => bindMessage(decl, v3.GetActivationStatusRequestSchema)).toThrow(ContractMismatchError);
    expect(() => bindMessage(decl, v3.GetActivationStatusRequestSchema)).toThrow(/no field with JSON name applicationKey/);
  });
});

describe("fromSoapRecord() / toSoapRecord()", () => {
  it.each(allOperations.map(({ service, op }) => [`${service.version} ${op.name}`, op] as const))(
    "round-trips every field of %s request and response",
    (_label, binding) => {
      for (const message of [binding.request, binding.response]) {
        const record = sampleRecord(message.type, true);
        const proto = fromSoapRecord(message, record);
        expect(toSoapRecord(message, proto)).toEqual(record);
      }
    },
  );

  it("maps enumerations by value name and UNSPECIFIED to absent", () => {
    const binding = op("GetActivationStatus").response;
    const record = sampleRecord(binding.type, false);
    const proto = fromSoapRecord(binding, { ...record, activationStatus: "OTP_USED" }) as v3.GetActivationStatusResponse;
    expect(proto.activationStatus).toBe(v3.ActivationStatus.OTP_USED);
    proto.activationStatus = v3.ActivationStatus.UNSPECIFIED;
    expect(toSoapRecord(binding, proto).activationStatus).toBeUndefined();
  });

  it("keeps int64 values exact", () => {
    const binding = op("GetApplicationDetail").request;
    const proto = fromSoapRecord(binding, { applicationId: 9_223_372_036_854_775_807n }) as v3.GetApplicationDetailRequest;
    expect(proto.applicationId).toBe(9_223_372_036_854_775_807n);
  });

  it("rejects an xs:integer that does not fit the int64 field", () => {
    const binding = op("VerifySignature").response;
    const record = { ...sampleRecord(binding.type, false), remainingAttempts: 2n ** 63n };
    expect(() => fromSoapRecord(binding, record)).toThrow(XsdInputError);
  });
});

describe("fromSoapRequest()", () => {
  it("parses a request and notes the protocol 3.1 elements it uses", () => {
    const xml = `<v3:GetActivationStatusRequest xmlns:v3="http://getlime.io/security/powerauth/v3">
      <v3:activationId>a-1</v3:activationId><v3:challenge>Y2g=</v3:challenge></v3:GetActivationStatusRequest>`;
    const { message, laterProtocols } = fromSoapRequest(op("GetActivationStatus"), parseXml(xml));
    expect(equals(v3.GetActivationStatusRequestSchema, message as v3.GetActivationStatusRequest, create(v3.GetActivationStatusRequestSchema, { activationId: "a-1", challenge: "Y2g=" }))).toBe(true);
    expect([...laterProtocols]).toEqual(["3.1"]);
  });

  it.each(allOperations.map(({ service, op }) => [`${service.version} ${op.name}`, op] as const))(
    "reads back what the codec writes for %s",
    (_label, binding) => {
      const record = sampleRecord(binding.request.type, true);
      const xml = encodeElement(binding.requestDecl, record, binding.targetNamespace, { prefix: "x", laterProtocols: LATER });
      const { message } = fromSoapRequest(binding, parseXml(xml));
      expect(equals(binding.request.desc, message, fromSoapRecord(binding.request, record))).toBe(true);
    },
  );
});

describe("toSoapResponse()", () => {
  const status = () =>
    create(v3.GetActivationStatusResponseSchema, {
      activationId: "a-1",
      activationStatus: v3.ActivationStatus.ACTIVE,
      userId: "u",
      applicationId: 1n,
      timestampCreated: timestampFromDate(new Date("2020-05-01T10:34:56.789Z")),
      timestampLastUsed: timestampFromDate(new Date("2020-05-01T10:34:56.789Z")),
      encryptedStatusBlob: "blob",
      encryptedStatusBlobNonce: "nonce",
      version: 3n,
    });

  it("writes a 3.0 response without protocol 3.1 fields unless the request used 3.1", () => {
    expect(toSoapResponse(op("GetActivationStatus"), status(), { laterProtocols: NONE })).not.toContain("encryptedStatusBlobNonce");
    expect(toSoapResponse(op("GetActivationStatus"), status(), { laterProtocols: LATER })).toContain(
      "<ns2:encryptedStatusBlob>blob</ns2:encryptedStatusBlob><ns2:encryptedStatusBlobNonce>nonce</ns2:encryptedStatusBlobNonce>",
    );
  });

  it("writes implicit proto3 defaults of required elements", () => {
    const xml = toSoapResponse(op("CommitUpgrade"), create(v3.CommitUpgradeResponseSchema, {}), { laterProtocols: NONE });
    expect(xml).toBe(`<ns2:CommitUpgradeResponse xmlns:ns2="http://getlime.io/security/powerauth/v3"><ns2:committed>false</ns2:committed></ns2:CommitUpgradeResponse>`);
  });

  it("refuses a response whose required enum is UNSPECIFIED", () => {
    const broken = create(v3.VerifySignatureResponseSchema, { signatureValid: true });
    expect(() => toSoapResponse(op("VerifySignature"), broken, { laterProtocols: NONE })).toThrow(ResponseMappingError);
  });

  it("refuses a response whose required dateTime is unset", () => {
    const broken = status();
    broken.timestampCreated = undefined;
    expect(() => toSoapResponse(op("GetActivationStatus"), broken, { laterProtocols: NONE })).toThrow(/timestampCreated is missing/);
  });

  it("produces responses that validate against the original 3.0 XSD (3.0 request) and the served XSD (3.1 request)", async () => {
    for (const service of services) {
      const ops = [...service.operations.values()];
      const build = (later: ReadonlySet<string>) =>
        ops.map((b) => toSoapResponse(b, fromSoapRecord(b.response, sampleRecord(b.response.type, true)), { laterProtocols: later }));
      const strict = await validateAgainstXsd(service.version === "v3" ? ORIGINAL_30_XSD : service.schemaText, build(NONE));
      expect(strict.errors).toEqual([]);
      const served = await validateAgainstXsd(service.schemaText, build(LATER));
      expect(served.errors).toEqual([]);
    }
  });

  it("needs the gating: a 3.1 field makes a response invalid for the original 3.0 XSD", async () => {
    const xml = toSoapResponse(op("GetActivationStatus"), status(), { laterProtocols: LATER });
    const result = await validateAgainstXsd(ORIGINAL_30_XSD, [xml]);
    expect(result.valid).toBe(false);
    expect(result.errors.join("\n")).toContain("encryptedStatusBlobNonce");
  });

  it("reads back what a 0.22 client would send: requests without 3.1 fields validate against the original 3.0 XSD", async () => {
    const ops = [...serviceV3.operations.values()];
    const docs = ops.map((b) =>
      encodeElement(b.requestDecl, sampleRecord(b.request.type, false), b.targetNamespace, { prefix: "v3", laterProtocols: NONE }),
    );
    expect((await validateAgainstXsd(ORIGINAL_30_XSD, docs)).errors).toEqual([]);
  });
});
