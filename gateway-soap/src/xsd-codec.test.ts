import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeElement, encodeElement, formatDateTime, parseDateTime, XsdInputError, XsdOutputError } from "./xsd-codec.ts";
import type { XsdRecord } from "./xsd-codec.ts";
import { parseXml } from "./xml.ts";
import { parseSchema } from "./xsd-model.ts";
import type { ElementDecl } from "./xsd-model.ts";

const NS = "urn:test";
const schema = parseSchema(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${NS}"
    xmlns:ext="urn:powerauth-server-ts:xsd-extensions" targetNamespace="${NS}" elementFormDefault="qualified">
  <xs:element name="Sample">
    <xs:complexType><xs:sequence>
      <xs:element name="id" type="xs:long" minOccurs="1" maxOccurs="1"/>
      <xs:element name="count" type="xs:int" minOccurs="0" maxOccurs="1"/>
      <xs:element name="attempts" type="xs:integer" minOccurs="0" maxOccurs="1"/>
      <xs:element name="flag" type="xs:boolean" minOccurs="0" maxOccurs="1"/>
      <xs:element name="at" type="xs:dateTime" minOccurs="0" maxOccurs="1"/>
      <xs:element name="status" type="tns:Status" minOccurs="0" maxOccurs="1"/>
      <xs:element name="names" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="info" type="tns:KeyValueMap" minOccurs="0" maxOccurs="1"/>
      <xs:element name="nonce" type="xs:string" minOccurs="0" maxOccurs="1" ext:since="3.1"/>
      <xs:element name="note" type="xs:string" minOccurs="1" maxOccurs="1"/>
    </xs:sequence></xs:complexType>
  </xs:element>
  <xs:simpleType name="Status"><xs:restriction base="xs:string">
    <xs:enumeration value="ACTIVE"/><xs:enumeration value="OTP_USED"/>
  </xs:restriction></xs:simpleType>
  <xs:complexType name="KeyValueMap"><xs:sequence>
    <xs:element name="entry" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="key" type="xs:string"/><xs:element name="value" type="xs:string"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType>
</xs:schema>`);
const sample = schema.elements.get("Sample") as ElementDecl;

function decode(inner: string, attrs = "") {
  return decodeElement(sample, parseXml(`<t:Sample xmlns:t="${NS}"${attrs}>${inner}</t:Sample>`), NS);
}

function withId(id: string) {
  return `<t:id>${id}</t:id><t:note/>`;
}

describe("decodeElement()", () => {
  it("decodes every simple type and structure into typed values", () => {
    const { value, laterProtocolElements } = decode(
      `<t:id> 42 </t:id><t:count>-7</t:count><t:attempts>123456789012345678901234567890</t:attempts><t:flag>1</t:flag>` +
        `<t:at>2020-05-01T12:34:56.789+02:00</t:at><t:status>OTP_USED</t:status><t:names>a</t:names><t:names> b </t:names>` +
        `<t:info><t:entry><t:key>k</t:key><t:value>v</t:value></t:entry></t:info><t:note> keep  spaces </t:note>`,
    );
    expect(value).toEqual({
      id: 42n,
      count: -7n,
      attempts: 123456789012345678901234567890n,
      flag: true,
      at: { seconds: 1588329296n, nanos: 789_000_000 },
      status: "OTP_USED",
      names: ["a", " b "],
      info: { entry: [{ key: "k", value: "v" }] },
      note: " keep  spaces ",
    });
    expect(laterProtocolElements).toEqual([]);
  });

  it("reports the use of a later-protocol element", () => {
    expect(decode(`<t:id>1</t:id><t:nonce>n</t:nonce><t:note/>`).laterProtocolElements).toEqual(["3.1"]);
  });

  it.each([
    ["12abc"],
    ["1.0"],
    ["0x10"],
    ["1e3"],
    [""],
    ["- 1"],
    ["9223372036854775808"],
    ["-9223372036854775809"],
  ])("rejects %j as xs:long", (text) => {
    expect(() => decode(withId(text))).toThrow(XsdInputError);
  });

  it.each([["+5", 5n], ["007", 7n], ["9223372036854775807", 9223372036854775807n], ["-9223372036854775808", -9223372036854775808n]])(
    "accepts %j as xs:long",
    (text, expected) => {
      expect(decode(withId(text)).value.id).toBe(expected);
    },
  );

  it("rejects an xs:int out of range", () => {
    expect(() => decode(`<t:id>1</t:id><t:count>2147483648</t:count><t:note/>`)).toThrow(/out of range for xs:int/);
  });

  it.each(["yes", "TRUE", "True", "2", ""])("rejects %j as xs:boolean", (text) => {
    expect(() => decode(`<t:id>1</t:id><t:flag>${text}</t:flag><t:note/>`)).toThrow(/not a valid xs:boolean/);
  });

  it.each([["true", true], ["false", false], ["0", false], [" 1 ", true]])("accepts %j as xs:boolean", (text, expected) => {
    expect(decode(`<t:id>1</t:id><t:flag>${text}</t:flag><t:note/>`).value.flag).toBe(expected);
  });

  it.each(["active", "UNKNOWN", " ACTIVE", "ACTIVATION_STATUS_ACTIVE", "1"])("rejects %j as an enumeration value", (text) => {
    expect(() => decode(`<t:id>1</t:id><t:status>${text}</t:status><t:note/>`)).toThrow(/not a valid Status/);
  });

  it("rejects a missing required element", () => {
    expect(() => decode(`<t:note/>`)).toThrow(/Sample: missing required element id/);
    expect(() => decode(`<t:id>1</t:id>`)).toThrow(/Sample: missing required element note/);
  });

  it("rejects an unknown element", () => {
    expect(() => decode(`<t:id>1</t:id><t:bogus/><t:note/>`)).toThrow(/Sample\/bogus: unknown element/);
  });

  it("rejects elements in the wrong order", () => {
    expect(() => decode(`<t:id>1</t:id><t:flag>true</t:flag><t:count>1</t:count><t:note/>`)).toThrow(/count: element is out of order/);
  });

  it("rejects a repeated single element", () => {
    expect(() => decode(`<t:id>1</t:id><t:id>2</t:id><t:note/>`)).toThrow(/at most 1/);
  });

  it("rejects unqualified or foreign-namespace children", () => {
    expect(() => decode(`<id>1</id><t:note/>`)).toThrow(/must be in namespace urn:test \(it is unqualified\)/);
    expect(() => decode(`<x:id xmlns:x="urn:other">1</x:id><t:note/>`)).toThrow(/must be in namespace urn:test, not urn:other/);
  });

  it("rejects text in complex content and elements in simple content", () => {
    expect(() => decode(`text<t:id>1</t:id><t:note/>`)).toThrow(/text is not allowed/);
    expect(() => decode(`<t:id><t:x/></t:id><t:note/>`)).toThrow(/child elements are not allowed/);
  });

  it("rejects xsi:nil and unknown attributes", () => {
    const xsi = ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`;
    expect(() => decode(`<t:id xsi:nil="true"/><t:note/>`, xsi)).toThrow(/not nillable/);
    expect(() => decode(withId("1"), ` foo="bar"`)).toThrow(/unexpected attribute foo/);
  });

  it("rejects the wrong payload element", () => {
    expect(() => decodeElement(sample, parseXml(`<Sample/>`), NS)).toThrow(/expected element \{urn:test\}Sample/);
  });
});

describe("parseDateTime() and formatDateTime()", () => {
  it.each([
    ["2020-05-01T12:34:56.789+02:00", "2020-05-01T10:34:56.789Z"],
    ["2020-05-01T12:34:56Z", "2020-05-01T12:34:56.000Z"],
    ["2020-05-01T12:34:56", "2020-05-01T12:34:56.000Z"],
    ["2020-05-01T12:34:56.123456789123-00:30", "2020-05-01T13:04:56.123Z"],
    ["2020-02-29T23:59:59.999-14:00", "2020-03-01T13:59:59.999Z"],
    ["2020-12-31T24:00:00Z", "2021-01-01T00:00:00.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["0099-06-15T00:00:00Z", "0099-06-15T00:00:00.000Z"],
    ["1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ])("reads %s as the instant %s", (text, formatted) => {
    expect(formatDateTime(parseDateTime(text, "t"))).toBe(formatted);
  });

  it.each([
    "2020-05-01",
    "2020-05-01 12:34:56Z",
    "2021-02-29T00:00:00Z",
    "2020-13-01T00:00:00Z",
    "2020-04-31T00:00:00Z",
    "2020-05-01T24:00:01Z",
    "2020-05-01T12:60:00Z",
    "2020-05-01T12:00:60Z",
    "2020-05-01T12:00:00+15:00",
    "2020-05-01T12:00:00+0200",
    "20-05-01T12:00:00Z",
    "0000-01-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+00:01",
    "1588329296",
  ])("rejects %j", (text) => {
    expect(() => parseDateTime(text, "t")).toThrow(XsdInputError);
  });
});

describe("encodeElement()", () => {
  const full: XsdRecord = {
    id: -9223372036854775808n,
    flag: false,
    at: { seconds: 0n, nanos: 1_500_000 },
    status: "ACTIVE",
    names: ["x", "y"],
    info: { entry: [] },
    nonce: "n",
    note: "a & <b>",
  };

  it("writes sequence order, qualified names and canonical values", () => {
    expect(encodeElement(sample, full, NS, { prefix: "ns2", laterProtocols: new Set(["3.1"]) })).toBe(
      `<ns2:Sample xmlns:ns2="urn:test"><ns2:id>-9223372036854775808</ns2:id><ns2:flag>false</ns2:flag>` +
        `<ns2:at>1970-01-01T00:00:00.001Z</ns2:at><ns2:status>ACTIVE</ns2:status><ns2:names>x</ns2:names><ns2:names>y</ns2:names>` +
        `<ns2:info/><ns2:nonce>n</ns2:nonce><ns2:note>a &amp; &lt;b&gt;</ns2:note></ns2:Sample>`,
    );
  });

  it("leaves out later-protocol elements unless asked for", () => {
    expect(encodeElement(sample, full, NS, { prefix: "ns2", laterProtocols: new Set() })).not.toContain("nonce");
  });

  it("round-trips through decodeElement()", () => {
    const xml = encodeElement(sample, full, NS, { prefix: "p", laterProtocols: new Set(["3.1"]) });
    const back = decodeElement(sample, parseXml(xml), NS).value;
    expect(back).toEqual({ ...full, at: { seconds: 0n, nanos: 1_000_000 }, info: {} });
  });

  it.each<[string, XsdRecord, RegExp]>([
    ["a missing required element", { id: 1n }, /required element note is missing/],
    ["an unknown enumeration value", { id: 1n, note: "", status: "GONE" }, /"GONE" is not a value of Status/],
    ["a long out of range", { id: 2n ** 63n, note: "" }, /is not a valid xs:long/],
    ["a string XML cannot carry", { id: 1n, note: "bell\u0007" }, /cannot carry/],
    ["an element the type does not have", { id: 1n, note: "", extra: "x" }, /extra is not an element/],
  ])("refuses %s", (_label, value, message) => {
    expect(() => encodeElement(sample, value, NS, { prefix: "ns2", laterProtocols: new Set() })).toThrow(XsdOutputError);
    expect(() => encodeElement(sample, value, NS, { prefix: "ns2", laterProtocols: new Set() })).toThrow(message);
  });
});

describe("the served v3 schema", () => {
  const v3 = parseSchema(readXsd("PowerAuth-3.0.xsd"));
  const ns = v3.targetNamespace;
  const verify = v3.elements.get("VerifySignatureRequest") as ElementDecl;

  it("accepts a 0.22 VerifySignatureRequest without signatureVersion", () => {
    const xml = `<VerifySignatureRequest xmlns="${ns}"><activationId>a</activationId><applicationKey>k</applicationKey>
      <data>d</data><signature>s</signature><signatureType>POSSESSION_KNOWLEDGE</signatureType></VerifySignatureRequest>`;
    expect(decodeElement(verify, parseXml(xml), ns).laterProtocolElements).toEqual([]);
  });

  it("accepts a 3.1 VerifySignatureRequest with signatureVersion in the additions' position", () => {
    const xml = `<VerifySignatureRequest xmlns="${ns}"><activationId>a</activationId><applicationKey>k</applicationKey>
      <data>d</data><signature>s</signature><signatureType>POSSESSION</signatureType><signatureVersion>3.1</signatureVersion>
      <forcedSignatureVersion>3</forcedSignatureVersion></VerifySignatureRequest>`;
    const decoded = decodeElement(verify, parseXml(xml), ns);
    expect(decoded.laterProtocolElements).toEqual(["3.1"]);
    expect(decoded.value.forcedSignatureVersion).toBe(3n);
  });
});

function readXsd(name: string): string {
  return readFileSync(new URL(`../xsd/${name}`, import.meta.url), "utf8");
}
