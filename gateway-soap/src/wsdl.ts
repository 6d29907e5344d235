// WSDL 1.1 documents in the shape Spring-WS's DefaultWsdl11Definition generated for the original server:
// document/literal SOAP 1.1, schema inlined in wsdl:types, one message per element, one operation per
// FooRequest/FooResponse pair, soapAction "". The committed files in gateway-soap/wsdl/ are the output of
// buildWsdl (a test keeps them fresh); at runtime only soap:address is rewritten to the caller's host.

import type { SchemaModel } from "./xsd-model.ts";
import { escapeAttribute } from "./xml.ts";

export const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
export const WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/";
/** Address written into the committed WSDL files; replaced per request. */
export const DEFAULT_SOAP_ADDRESS = "http://localhost:8080/powerauth-java-server/soap";

export interface WsdlSpec {
  /** e.g. "PowerAuthPortV3": the portType; the binding and port are `${portType}Soap11`, the service `${portType}Service`. */
  readonly portType: string;
  readonly schema: SchemaModel;
  /** The XSD document to inline (its xs:schema element is copied verbatim). */
  readonly schemaText: string;
}

/** Builds the WSDL document for one schema. */
export function buildWsdl(spec: WsdlSpec, location: string = DEFAULT_SOAP_ADDRESS): string {
  const { portType, schema } = spec;
  const binding = `${portType}Soap11`;
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(
    `<wsdl:definitions xmlns:wsdl="${WSDL_NS}" xmlns:soap="${WSDL_SOAP_NS}" ` +
      `xmlns:sch="${schema.targetNamespace}" xmlns:tns="${schema.targetNamespace}" targetNamespace="${schema.targetNamespace}">`,
  );
  lines.push("  <wsdl:types>");
  lines.push(`    ${schemaElementText(spec.schemaText)}`);
  lines.push("  </wsdl:types>");
  for (const op of schema.operations) {
    for (const element of [`${op}Request`, `${op}Response`]) {
      lines.push(`  <wsdl:message name="${element}">`);
      lines.push(`    <wsdl:part element="tns:${element}" name="${element}"/>`);
      lines.push("  </wsdl:message>");
    }
  }
  lines.push(`  <wsdl:portType name="${portType}">`);
  for (const op of schema.operations) {
    lines.push(`    <wsdl:operation name="${op}">`);
    lines.push(`      <wsdl:input message="tns:${op}Request" name="${op}Request"/>`);
    lines.push(`      <wsdl:output message="tns:${op}Response" name="${op}Response"/>`);
    lines.push("    </wsdl:operation>");
  }
  lines.push("  </wsdl:portType>");
  lines.push(`  <wsdl:binding name="${binding}" type="tns:${portType}">`);
  lines.push('    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>');
  for (const op of schema.operations) {
    lines.push(`    <wsdl:operation name="${op}">`);
    lines.push('      <soap:operation soapAction=""/>');
    lines.push(`      <wsdl:input name="${op}Request">`);
    lines.push('        <soap:body use="literal"/>');
    lines.push("      </wsdl:input>");
    lines.push(`      <wsdl:output name="${op}Response">`);
    lines.push('        <soap:body use="literal"/>');
    lines.push("      </wsdl:output>");
    lines.push("    </wsdl:operation>");
  }
  lines.push("  </wsdl:binding>");
  lines.push(`  <wsdl:service name="${portType}Service">`);
  lines.push(`    <wsdl:port binding="tns:${binding}" name="${binding}">`);
  lines.push(`      <soap:address location="${escapeAttribute(location)}"/>`);
  lines.push("    </wsdl:port>");
  lines.push("  </wsdl:service>");
  lines.push("</wsdl:definitions>");
  return `${lines.join("\n")}\n`;
}

/** Replaces the soap:address location of a WSDL built by buildWsdl. */
export function withSoapAddress(wsdl: string, location: string): string {
  return wsdl.replace(/<soap:address location="[^"]*"\/>/, `<soap:address location="${escapeAttribute(location)}"/>`);
}

const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/**
 * The SOAP endpoint URL as seen by the caller, from its Host header (Spring-WS's transformWsdlLocations
 * behaviour); falls back to the gateway's own address when the header is missing or not a plain host[:port].
 */
export function soapAddressFor(hostHeader: string | undefined, fallbackHost: string, path: string): string {
  const host = hostHeader !== undefined && HOST_HEADER.test(hostHeader) ? hostHeader : fallbackHost;
  return `http://${host}${path}`;
}

/** The xs:schema element of an XSD document (drops the XML declaration and comments before it). */
function schemaElementText(xsd: string): string {
  const start = xsd.search(/<xs:schema[\s>]/);
  const end = xsd.lastIndexOf("</xs:schema>");
  if (start < 0 || end < 0) throw new Error("the XSD has no xs:schema element with the xs prefix");
  return xsd.slice(start, end + "</xs:schema>".length);
}
