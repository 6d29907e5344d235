import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { create, fromJson, toJson } from "@bufbuild/protobuf";
import type { DescField, DescMessage, DescService, JsonValue } from "@bufbuild/protobuf";
import { XMLParser } from "fast-xml-parser";
import { ErrorDetailSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { readFileSync } from "node:fs";
import { bodyPayload, validateAgainstXsd } from "../../gateway-soap/src/testing/xml-schema-validation.ts";
import { parseSchema } from "../../gateway-soap/src/xsd-model.ts";
import type { ComplexType, ElementDecl } from "../../gateway-soap/src/xsd-model.ts";

/**
 * A SOAP client with the same interface as the gRPC clients, so one scenario can run through both surfaces.
 * It writes raw SOAP 1.1 envelopes itself (element names from the contract's JSON names, which equal the XSD
 * names) in the XSD's sequence order, checks every response payload against the original XSD with libxml2, and
 * reads faults back into ConnectErrors carrying the ErrorDetail, as a legacy client generated from the WSDL would
 * see them. A fault without an errorCode (the gateway refusing a request the XSD does not allow) carries its
 * faultcode's local name ("Client", "Server") in the SOAP_FAULTCODE metadata entry.
 */

export const SOAP_FAULTCODE = "soap-faultcode";

const NAMESPACE_BY_PACKAGE: Record<string, string> = {
  "powerauth.v3": "http://getlime.io/security/powerauth/v3",
  "powerauth.v2": "http://getlime.io/security/powerauth/v2",
};

const xsd = (file: string) => readFileSync(new URL(`../../gateway-soap/xsd/${file}`, import.meta.url), "utf8");
const SCHEMAS = {
  v3original: xsd("reference/PowerAuth-3.0.xsd"),
  v3served: xsd("PowerAuth-3.0.xsd"),
  v2: xsd("reference/PowerAuth-2.0.xsd"),
};
/** The served schemas, read only for the order of each request's elements (a sequence in the XSD). */
const REQUEST_MODELS: Record<string, ReturnType<typeof parseSchema>> = {
  [NAMESPACE_BY_PACKAGE["powerauth.v3"]]: parseSchema(SCHEMAS.v3served),
  [NAMESPACE_BY_PACKAGE["powerauth.v2"]]: parseSchema(xsd("PowerAuth-2.0.xsd")),
};
/** Request elements that only protocol 3.1 clients send; a request without them must get a pure 3.0 answer. */
const PROTOCOL_31_REQUEST_FIELDS = new Set(["nonce", "challenge", "signatureVersion"]);

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, isArray: () => true, trimValues: false });

type XmlNode = { [element: string]: (XmlNode | string)[] };

export function createSoapProtoClient<S extends DescService>(service: S, endpoint: string): Client<S> {
  const namespace = NAMESPACE_BY_PACKAGE[service.typeName.slice(0, service.typeName.lastIndexOf("."))];
  const model = REQUEST_MODELS[namespace];
  const client: Record<string, (request: Record<string, unknown>) => Promise<unknown>> = {};
  for (const method of service.methods) {
    client[method.localName] = async (request: Record<string, unknown>) => {
      const message = create(method.input, request);
      const json = toJson(method.input, message, { alwaysEmitImplicit: true }) as Record<string, JsonValue>;
      const usesProtocol31 = Object.keys(json).some((name) => PROTOCOL_31_REQUEST_FIELDS.has(name));
      const requestDecl = model.elements.get(`${method.name}Request`);
      if (requestDecl?.type.kind !== "complex") throw new Error(`no ${method.name}Request in the schema`);
      const body = `<pa:${method.name}Request>${elementsFromJson(method.input, requestDecl.type, json)}</pa:${method.name}Request>`;
      const envelope = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pa="${namespace}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
      const response = await fetch(endpoint, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8" }, body: envelope });
      const xml = await response.text();
      const root = parser.parse(xml) as XmlNode;
      const soapBody = firstNode(firstNode(root, "Envelope"), "Body");
      const fault = soapBody.Fault?.[0];
      if (fault !== undefined) throw faultToConnectError(fault as XmlNode);
      const schema = namespace.endsWith("/v2") ? SCHEMAS.v2 : usesProtocol31 ? SCHEMAS.v3served : SCHEMAS.v3original;
      const validation = await validateAgainstXsd(schema, [bodyPayload(xml)]);
      if (!validation.valid) throw new Error(`${method.name}Response does not validate: ${validation.errors.join("; ")}\n${xml}`);
      const payload = soapBody[`${method.name}Response`]?.[0];
      return fromJson(method.output, jsonFromElements(method.output, typeof payload === "object" ? payload : {}));
    };
  }
  return client as unknown as Client<S>;
}

function elementsFromJson(desc: DescMessage, type: ComplexType, json: Record<string, JsonValue>): string {
  const unknown = Object.keys(json).filter((name) => !type.elements.some((decl) => decl.name === name));
  if (unknown.length > 0) throw new Error(`${desc.typeName}: ${unknown.join(", ")} not in the XSD`);
  return type.elements
    .map((decl) => {
      const value = json[decl.name];
      const field = desc.fields.find((candidate) => candidate.jsonName === decl.name);
      if (value === undefined || value === null || !field) return "";
      const values = Array.isArray(value) ? value : [value];
      return values.map((item) => `<pa:${decl.name}>${xmlValue(field, decl, item)}</pa:${decl.name}>`).join("");
    })
    .join("");
}

function xmlValue(field: DescField, decl: ElementDecl, value: JsonValue): string {
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message && decl.type.kind === "complex") return elementsFromJson(message, decl.type, value as Record<string, JsonValue>);
  const enumDesc = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum") ? field.enum : undefined;
  if (enumDesc) return enumDesc.values.find((candidate) => candidate.name === value)?.localName ?? String(value);
  return escapeXml(String(value));
}

function jsonFromElements(desc: DescMessage, node: XmlNode): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = {};
  for (const field of desc.fields) {
    const occurrences = node[field.jsonName];
    if (!occurrences) continue;
    const values = occurrences.map((occurrence) => jsonValue(field, occurrence));
    json[field.jsonName] = field.fieldKind === "list" ? values : values[0];
  }
  return json;
}

function jsonValue(field: DescField, occurrence: XmlNode | string): JsonValue {
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message && message.typeName !== "google.protobuf.Timestamp") {
    return jsonFromElements(message, typeof occurrence === "object" ? occurrence : {});
  }
  const text = typeof occurrence === "string" ? occurrence : "";
  const enumDesc = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum") ? field.enum : undefined;
  if (enumDesc) {
    const value = enumDesc.values.find((candidate) => candidate.localName === text);
    if (!value) throw new Error(`unknown ${enumDesc.name} value ${text}`);
    return value.name;
  }
  if (text === "true" || text === "false") return text === "true";
  return text;
}

function faultToConnectError(fault: XmlNode): ConnectError {
  const faultcode = textOf(fault, "faultcode");
  const faultstring = textOf(fault, "faultstring");
  const detail = fault.detail?.[0];
  const errorCode = typeof detail === "object" ? textOf(detail, "errorCode") : "";
  if (!errorCode) {
    const local = faultcode.slice(faultcode.indexOf(":") + 1);
    const code = local === "Client" ? Code.InvalidArgument : Code.Internal;
    return new ConnectError(`${faultcode}: ${faultstring}`, code, new Headers({ [SOAP_FAULTCODE]: local }));
  }
  const pukIndex = typeof detail === "object" ? textOf(detail, "currentRecoveryPukIndex") : "";
  const errorDetail = create(ErrorDetailSchema, {
    code: errorCode,
    message: faultstring,
    localizedMessage: typeof detail === "object" ? textOf(detail, "localizedMessage") : "",
    currentRecoveryPukIndex: pukIndex === "" ? undefined : BigInt(pukIndex),
  });
  return new ConnectError(faultstring, Code.Unknown, undefined, [{ desc: ErrorDetailSchema, value: errorDetail }]);
}

function firstNode(node: XmlNode, name: string): XmlNode {
  const child = node[name]?.[0];
  if (typeof child !== "object") throw new Error(`SOAP response without ${name}`);
  return child;
}

function textOf(node: XmlNode, name: string): string {
  const value = node[name]?.[0];
  return typeof value === "string" ? value : "";
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
