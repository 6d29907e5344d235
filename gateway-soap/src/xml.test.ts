import { describe, expect, it } from "vitest";
import { childElements, directText, escapeAttribute, escapeText, parseXml, XmlSyntaxError } from "./xml.ts";

describe("parseXml()", () => {
  it("resolves default and prefixed namespaces, including for attributes", () => {
    const root = parseXml(`<?xml version="1.0" encoding="utf-8"?><a xmlns="urn:a" xmlns:b="urn:b"><b:c b:x="1" y="2"/><d/></a>`);
    expect([root.ns, root.local]).toEqual(["urn:a", "a"]);
    const [c, d] = childElements(root);
    expect([c.ns, c.local, c.prefix]).toEqual(["urn:b", "c", "b"]);
    expect(c.attributes).toEqual([
      { ns: "urn:b", local: "x", value: "1" },
      { ns: "", local: "y", value: "2" },
    ]);
    expect(d.ns).toBe("urn:a");
  });

  it("decodes the predefined entities, character references and CDATA, and drops comments", () => {
    const root = parseXml(`<a>x &lt;&amp;&gt;&quot;&apos; &#65;&#x42;&#x1F600;<!-- c --><![CDATA[<&amp;>]]></a>`);
    expect(directText(root)).toBe(`x <&>"' AB\u{1F600}<&amp;>`);
  });

  it("keeps whitespace in text", () => {
    expect(directText(parseXml("<a>  x\n y </a>"))).toBe("  x\n y ");
  });

  it.each([
    ["a DOCTYPE in the prolog", `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>`],
    ["a DOCTYPE inside the document", `<a><b/><!DOCTYPE x [<!ENTITY e "boom">]><c>&e;</c></a>`],
    ["an external entity declaration", `<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>`],
    ["an undefined entity", "<a>&nbsp;</a>"],
    ["a bare ampersand", "<a>fish & chips</a>"],
    ["a character reference to a control character", "<a>&#1;</a>"],
    ["a raw control character", "<a>\u0001</a>"],
    ["two document elements", "<a/><b/>"],
    ["text after the document element", "<a/>junk"],
    ["text with '>' after the document element", "<a/>x/>"],
    ["text before the document element", "x<a/>"],
    ["mismatched tags", "<a><b></a></b>"],
    ["an undeclared prefix", "<p:a/>"],
    ["an undeclared attribute prefix", "<a p:x='1'/>"],
    ["a repeated attribute", `<a xmlns:p="urn:x" xmlns:q="urn:x" p:x="1" q:x="2"/>`],
    ["'<' in an attribute value", `<a x="<"/>`],
    ["a name with two colons", `<a:b:c xmlns:a="urn:a"/>`],
    ["a non-UTF-8 encoding declaration", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`],
    ["no document element", "   "],
    ["a reserved JavaScript property name", "<a><constructor/></a>"],
  ])("rejects %s", (_label, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
  });

  it("limits the nesting depth", () => {
    const deep = `${"<a>".repeat(40)}${"</a>".repeat(40)}`;
    expect(() => parseXml(deep, { maxDepth: 32 })).toThrow(/nested deeper/);
    expect(parseXml(deep, { maxDepth: 64 }).local).toBe("a");
  });

  it("accepts a byte order mark", () => {
    expect(parseXml("\uFEFF<a/>").local).toBe("a");
  });
});

describe("escapeText() and escapeAttribute()", () => {
  it("round-trips through parseXml", () => {
    const s = `a&b<c>"d' \r\n\te`;
    const root = parseXml(`<x y="${escapeAttribute(s)}">${escapeText(s)}</x>`);
    expect(directText(root)).toBe(s);
    expect(root.attributes[0].value).toBe(s);
  });
});
