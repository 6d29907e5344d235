import { describe, expect, it } from "vitest";
import { readPackageFile, SERVICE_FILES } from "./soap-services.ts";
import { validateAgainstXsd } from "./testing/xml-schema-validation.ts";
import { buildWsdl, soapAddressFor, withSoapAddress, WSDL_NS, WSDL_SOAP_NS } from "./wsdl.ts";
import { attribute, childElements, parseXml } from "./xml.ts";
import type { XmlElement } from "./xml.ts";
import { parseSchema, XSD_NS } from "./xsd-model.ts";

const cases = SERVICE_FILES.map((f) => {
  const schemaText = readPackageFile(f.xsd);
  return { ...f, schemaText, schema: parseSchema(schemaText), committed: readPackageFile(`wsdl/${f.wsdlFile}`) };
});

function children(el: XmlElement, ns: string, local: string): XmlElement[] {
  return childElements(el).filter((c) => c.ns === ns && c.local === local);
}

describe.each(cases)("$wsdlFile", (c) => {
  const root = parseXml(c.committed, { maxDepth: 64 });
  const operations = c.schema.operations;

  it("is what buildWsdl() generates from the XSD (run src/generate-wsdl.ts after changing the XSD)", () => {
    expect(c.committed).toBe(buildWsdl({ portType: c.portType, schema: c.schema, schemaText: c.schemaText }));
  });

  it("is a well-formed WSDL 1.1 document in the target namespace", () => {
    expect([root.ns, root.local]).toEqual([WSDL_NS, "definitions"]);
    expect(attribute(root, "", "targetNamespace")).toBe(c.schema.targetNamespace);
    expect(children(root, WSDL_NS, "message")).toHaveLength(operations.length * 2);
  });

  it("declares portType, SOAP 1.1 document/literal binding with soapAction \"\", service and port", () => {
    const [portType] = children(root, WSDL_NS, "portType");
    expect(attribute(portType, "", "name")).toBe(c.portType);
    expect(children(portType, WSDL_NS, "operation").map((o) => attribute(o, "", "name"))).toEqual(operations);

    const [binding] = children(root, WSDL_NS, "binding");
    expect(attribute(binding, "", "name")).toBe(`${c.portType}Soap11`);
    const [soapBinding] = children(binding, WSDL_SOAP_NS, "binding");
    expect(attribute(soapBinding, "", "style")).toBe("document");
    expect(attribute(soapBinding, "", "transport")).toBe("http://schemas.xmlsoap.org/soap/http");
    for (const op of children(binding, WSDL_NS, "operation")) {
      expect(attribute(children(op, WSDL_SOAP_NS, "operation")[0], "", "soapAction")).toBe("");
      for (const io of [...children(op, WSDL_NS, "input"), ...children(op, WSDL_NS, "output")]) {
        expect(attribute(children(io, WSDL_SOAP_NS, "body")[0], "", "use")).toBe("literal");
      }
    }

    const [service] = children(root, WSDL_NS, "service");
    expect(attribute(service, "", "name")).toBe(`${c.portType}Service`);
    const [port] = children(service, WSDL_NS, "port");
    expect(attribute(port, "", "name")).toBe(`${c.portType}Soap11`);
    expect(attribute(children(port, WSDL_SOAP_NS, "address")[0], "", "location")).toBe("http://localhost:8080/powerauth-java-server/soap");
  });

  it("embeds a schema that compiles and validates the operations' elements", async () => {
    const [types] = children(root, WSDL_NS, "types");
    expect(children(types, XSD_NS, "schema")).toHaveLength(1);
    const embedded = c.committed.slice(c.committed.indexOf("<xs:schema"), c.committed.indexOf("</xs:schema>") + "</xs:schema>".length);
    const ns = c.schema.targetNamespace;
    const op = operations[0];
    const first = c.schema.elements.get(`${op}Request`);
    expect(first).toBeDefined();
    const good = await validateAgainstXsd(embedded, [
      c.version === "v3"
        ? `<GetSystemStatusRequest xmlns="${ns}"/>`
        : `<GetPersonalizedEncryptionKeyRequest xmlns="${ns}"><activationId>a</activationId></GetPersonalizedEncryptionKeyRequest>`,
    ]);
    expect(good.errors).toEqual([]);
    const bad = await validateAgainstXsd(embedded, [`<${op}Request xmlns="${ns}"><nope/></${op}Request>`]);
    expect(bad.valid).toBe(false);
  });
});

describe("withSoapAddress() and soapAddressFor()", () => {
  it("rewrites soap:address to the caller's host", () => {
    const wsdl = withSoapAddress(cases[0].committed, soapAddressFor("pa.example.com:8443", "127.0.0.1:8080", "/powerauth-java-server/soap"));
    expect(wsdl).toContain(`<soap:address location="http://pa.example.com:8443/powerauth-java-server/soap"/>`);
    expect(wsdl.match(/soap:address/g)).toHaveLength(1);
  });

  it.each([undefined, "", "evil.com/\"><x", "a b", "host:99999999"])("falls back to the gateway's own address for Host %j", (host) => {
    expect(soapAddressFor(host, "127.0.0.1:8080", "/p")).toBe("http://127.0.0.1:8080/p");
  });

  it("accepts IPv6 literals", () => {
    expect(soapAddressFor("[::1]:8080", "x", "/p")).toBe("http://[::1]:8080/p");
  });
});
