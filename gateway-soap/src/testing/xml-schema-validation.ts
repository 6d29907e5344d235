// Test helper: validates XML documents against an XSD with libxml2 (xmllint-wasm).

import { validateXML } from "xmllint-wasm";
import { childElements, parseXml } from "../xml.ts";
import { SOAP11_ENV_NS } from "../envelope.ts";

export interface SchemaValidation {
  readonly valid: boolean;
  readonly errors: readonly string[];
}

/** Validates one or more standalone documents against one schema (one libxml2 run). */
export async function validateAgainstXsd(xsdText: string, documents: readonly string[]): Promise<SchemaValidation> {
  const result = await validateXML({
    xml: documents.map((contents, i) => ({ fileName: `doc-${i}.xml`, contents })),
    schema: [{ fileName: "schema.xsd", contents: xsdText }],
    maxMemoryPages: 4096,
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

/**
 * Extracts the Body's child of a SOAP envelope as a standalone document (namespace declarations of the
 * envelope that the payload relies on are copied onto it), so it can be validated against the PowerAuth XSD.
 */
export function bodyPayload(envelopeXml: string): string {
  const envelope = parseXml(envelopeXml);
  const body = childElements(envelope).find((e) => e.ns === SOAP11_ENV_NS && e.local === "Body");
  if (!body) throw new Error("no soap:Body");
  const payload = childElements(body)[0];
  if (!payload) throw new Error("empty soap:Body");
  const start = envelopeXml.indexOf(`<${payload.prefix ? `${payload.prefix}:` : ""}${payload.local}`, envelopeXml.indexOf("Body"));
  const end = envelopeXml.lastIndexOf("</SOAP-ENV:Body>");
  return envelopeXml.slice(start, end);
}
