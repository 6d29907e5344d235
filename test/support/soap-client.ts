import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { bodyPayload, validateAgainstXsd } from "../../gateway-soap/src/testing/xml-schema-validation.ts";

const NAMESPACES = {
  v3: "http://getlime.io/security/powerauth/v3",
  v2: "http://getlime.io/security/powerauth/v2",
} as const;

/** The original schemas a legacy client was generated from; every success payload must validate against them. */
const SCHEMAS = {
  v3: readFileSync(new URL("../../gateway-soap/xsd/reference/PowerAuth-3.0.xsd", import.meta.url), "utf8"),
  v3served: readFileSync(new URL("../../gateway-soap/xsd/PowerAuth-3.0.xsd", import.meta.url), "utf8"),
  v2: readFileSync(new URL("../../gateway-soap/xsd/PowerAuth-2.0.xsd", import.meta.url), "utf8"),
};

export type SoapValue = string | number | bigint | boolean | SoapFields | SoapValue[];
export interface SoapFields {
  [element: string]: SoapValue | undefined;
}

export interface SoapFault {
  faultcode: string;
  faultstring: string;
  errorCode?: string;
  localizedMessage?: string;
}

export interface SoapAnswer {
  status: number;
  xml: string;
  /** The response element's children, parsed (strings, nested objects, arrays for repeated elements). */
  payload: Record<string, unknown>;
  fault?: SoapFault;
}

export interface SoapCallOptions {
  /** WS-Security UsernameToken (PasswordText), as Spring-WS clients of the reference server send it. */
  credentials?: { username: string; password: string };
  /** Validate against the served schema (with the optional 3.1 fields) instead of the original 3.0 one. */
  protocol31?: boolean;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (_name, jpath) => typeof jpath === "string" && REPEATED.has(jpath.split(".").at(-1) ?? ""),
});
/** Elements that may repeat in responses; parsed as arrays even when only one is present. */
const REPEATED = new Set(["applications", "versions", "errors", "items", "activations", "puks", "callbackUrlList", "recoveryCodes", "entry"]);

/** The fault the reference server sends for a service error: SOAP-ENV:Server, the English message twice, the code. */
export function serviceFault(errorCode: string, message: string): SoapFault {
  return { faultcode: "SOAP-ENV:Server", faultstring: message, errorCode, localizedMessage: message };
}

/** Sends one SOAP 1.1 request built from `fields` (in XSD order) and returns the parsed, schema-checked answer. */
export async function callSoap(
  endpoint: string,
  version: keyof typeof NAMESPACES,
  operation: string,
  fields: SoapFields = {},
  options: SoapCallOptions = {},
): Promise<SoapAnswer> {
  const envelope = buildEnvelope(version, operation, fields, options.credentials);
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' },
    body: envelope,
  });
  const xml = await response.text();
  const parsed = parser.parse(xml) as { Envelope?: { Body?: Record<string, unknown> } };
  const body = parsed.Envelope?.Body ?? {};
  if ("Fault" in body) {
    const fault = body.Fault as { faultcode: string; faultstring: string; detail?: { errorCode?: string; localizedMessage?: string } };
    return {
      status: response.status,
      xml,
      payload: {},
      fault: {
        faultcode: fault.faultcode,
        faultstring: String(fault.faultstring),
        errorCode: fault.detail?.errorCode,
        localizedMessage: fault.detail?.localizedMessage,
      },
    };
  }
  const schema = version === "v2" ? SCHEMAS.v2 : options.protocol31 ? SCHEMAS.v3served : SCHEMAS.v3;
  const validation = await validateAgainstXsd(schema, [bodyPayload(xml)]);
  if (!validation.valid) throw new Error(`${operation} response does not validate: ${validation.errors.join("; ")}\n${xml}`);
  const payload = (body[`${operation}Response`] ?? {}) as Record<string, unknown>;
  return { status: response.status, xml, payload: payload === null || typeof payload !== "object" ? {} : payload };
}

export function buildEnvelope(
  version: keyof typeof NAMESPACES,
  operation: string,
  fields: SoapFields,
  credentials?: { username: string; password: string },
): string {
  const security = credentials
    ? `<soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soapenv:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>${escapeXml(credentials.username)}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${escapeXml(credentials.password)}</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pa="${NAMESPACES[version]}">${security}<soapenv:Body><pa:${operation}Request>${serializeFields(fields)}</pa:${operation}Request></soapenv:Body></soapenv:Envelope>`;
}

function serializeFields(fields: SoapFields): string {
  return Object.entries(fields)
    .map(([name, value]) => serializeValue(name, value))
    .join("");
}

function serializeValue(name: string, value: SoapValue | undefined): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.map((item) => serializeValue(name, item)).join("");
  if (typeof value === "object" && typeof value !== "bigint") return `<pa:${name}>${serializeFields(value)}</pa:${name}>`;
  return `<pa:${name}>${escapeXml(String(value))}</pa:${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
