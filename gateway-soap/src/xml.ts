// Strict, namespace-aware XML reading on top of fast-xml-parser, plus the two escaping helpers used by every
// writer in this package.
//
// fast-xml-parser is a tolerant tokenizer: it expands DOCTYPE entities wherever a DOCTYPE appears (even inside
// the root element), leaves unknown entity references in place, accepts several root elements, `<` inside
// attribute values and control characters, and knows nothing of namespaces. Everything here closes those gaps,
// so that what reaches the SOAP layer is a well-formed, DTD-free XML 1.0 document with resolved namespaces.

import { XMLParser, XMLValidator } from "fast-xml-parser";

export const XML_NS = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  readonly kind: "element";
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
  /** In-scope namespace bindings (prefix → URI, "" = default), for resolving QName-valued content. */
  readonly scope: ReadonlyMap<string, string>;
}

export interface XmlText {
  readonly kind: "text";
  readonly value: string;
}

export type XmlNode = XmlElement | XmlText;

/** The input is not a well-formed, DTD-free, namespace-well-formed XML document. */
export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
}

export interface ParseXmlOptions {
  /** Deepest element nesting accepted; SOAP payloads of PowerAuth are at most 6 levels deep. */
  readonly maxDepth?: number;
}

// XML 1.0 §2.2 Char, negated: C0 controls except TAB/LF/CR, unpaired surrogates, U+FFFE/U+FFFF.
const FORBIDDEN_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const NCNAME = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9._\-\u00B7\u00C0-\uFFFF]*$/u;
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));|&/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

type RawNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: false,
  ignorePiTags: false,
  commentPropName: "#comment",
  cdataPropName: "#cdata",
  allowBooleanAttributes: false,
  maxNestedTags: 100,
});

/**
 * Parses an XML document into an element tree with resolved namespaces. Rejects (with XmlSyntaxError) any
 * DOCTYPE or other markup declaration, any entity reference other than the five predefined ones and character
 * references, malformed markup, undeclared prefixes and a non-UTF-8 encoding declaration. Comments and
 * processing instructions are dropped; adjacent text and CDATA are merged.
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? 32;
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const bad = FORBIDDEN_CHAR.exec(input);
  if (bad) throw new XmlSyntaxError(`character U+${codePointHex(bad[0])} is not allowed in XML`);
  rejectMarkupDeclarations(input);
  checkOutsideDocumentElement(input);
  const verdict = XMLValidator.validate(input, { allowBooleanAttributes: false });
  if (verdict !== true) {
    throw new XmlSyntaxError(`malformed XML at line ${verdict.err.line}, column ${verdict.err.col}: ${verdict.err.msg}`);
  }
  let raw: unknown;
  try {
    raw = parser.parse(input);
  } catch (err) {
    throw new XmlSyntaxError(`malformed XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Array.isArray(raw)) throw new XmlSyntaxError("malformed XML: no document element");
  let root: XmlElement | undefined;
  for (const node of raw as RawNode[]) {
    const name = nodeName(node);
    if (name === "#text") {
      if (!isWhitespace(textOf(node))) throw new XmlSyntaxError("text is not allowed outside the document element");
    } else if (name === "?xml") {
      checkDeclaration(attributesOf(node));
    } else if (name === "#comment" || name.startsWith("?")) {
      continue;
    } else if (name === "#cdata") {
      throw new XmlSyntaxError("CDATA is not allowed outside the document element");
    } else {
      if (root) throw new XmlSyntaxError("an XML document has exactly one document element");
      root = toElement(node, name, new Map([["xml", XML_NS]]), 1, maxDepth);
    }
  }
  if (!root) throw new XmlSyntaxError("malformed XML: no document element");
  return root;
}

/** The child elements of an element, in document order. */
export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === "element");
}

/** The concatenated text content directly inside an element (not of its descendants). */
export function directText(el: XmlElement): string {
  let s = "";
  for (const c of el.children) if (c.kind === "text") s += c.value;
  return s;
}

export function attribute(el: XmlElement, ns: string, local: string): string | undefined {
  return el.attributes.find((a) => a.ns === ns && a.local === local)?.value;
}

/** Resolves a QName-valued string (e.g. type="tns:Foo") against the element's in-scope namespaces. */
export function resolveQName(el: XmlElement, qname: string): { ns: string; local: string } {
  const i = qname.indexOf(":");
  const prefix = i < 0 ? "" : qname.slice(0, i);
  const local = i < 0 ? qname : qname.slice(i + 1);
  const ns = el.scope.get(prefix);
  if (ns === undefined && prefix !== "") throw new XmlSyntaxError(`undeclared namespace prefix in QName "${qname}"`);
  return { ns: ns ?? "", local };
}

export function isWhitespace(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

/** Escapes character data. CR is written as a reference so that it survives end-of-line normalisation. */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#13;"));
}

/** Escapes an attribute value for double quotes; whitespace is referenced so attribute normalisation keeps it. */
export function escapeAttribute(s: string): string {
  return s.replace(/[&<"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** True when every character of the string can be written in an XML 1.0 document. */
export function isXmlSafe(s: string): boolean {
  return !FORBIDDEN_CHAR.test(s);
}

function rejectMarkupDeclarations(input: string): void {
  let i = input.indexOf("<!");
  while (i >= 0) {
    if (input.startsWith("<!--", i)) {
      const end = input.indexOf("-->", i + 4);
      if (end < 0) throw new XmlSyntaxError("unterminated comment");
      i = input.indexOf("<!", end + 3);
    } else if (input.startsWith("<![CDATA[", i)) {
      const end = input.indexOf("]]>", i + 9);
      if (end < 0) throw new XmlSyntaxError("unterminated CDATA section");
      i = input.indexOf("<!", end + 3);
    } else {
      throw new XmlSyntaxError("DOCTYPE and other markup declarations are not allowed");
    }
  }
}

/**
 * fast-xml-parser silently drops text after the last tag; this scan of the top level (markup outside the
 * document element) rejects any text there and a second document element.
 */
function checkOutsideDocumentElement(input: string): void {
  let depth = 0;
  let seenRoot = false;
  let i = 0;
  const skipTo = (from: number, terminator: string, what: string): number => {
    const end = input.indexOf(terminator, from);
    if (end < 0) throw new XmlSyntaxError(`unterminated ${what}`);
    return end + terminator.length;
  };
  while (i < input.length) {
    const lt = input.indexOf("<", i);
    const text = input.slice(i, lt < 0 ? input.length : lt);
    if (depth === 0 && !isWhitespace(text)) throw new XmlSyntaxError("text is not allowed outside the document element");
    if (lt < 0) break;
    if (input.startsWith("<!--", lt)) {
      i = skipTo(lt + 4, "-->", "comment");
    } else if (input.startsWith("<![CDATA[", lt)) {
      if (depth === 0) throw new XmlSyntaxError("CDATA is not allowed outside the document element");
      i = skipTo(lt + 9, "]]>", "CDATA section");
    } else if (input.startsWith("<?", lt)) {
      i = skipTo(lt + 2, "?>", "processing instruction");
    } else if (input.startsWith("</", lt)) {
      depth--;
      i = skipTo(lt + 2, ">", "end tag");
    } else {
      let j = lt + 1;
      let quote = "";
      for (; j < input.length; j++) {
        const c = input[j];
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") {
          quote = c;
        } else if (c === ">") {
          break;
        }
      }
      if (j >= input.length) throw new XmlSyntaxError("unterminated start tag");
      if (depth === 0 && seenRoot) throw new XmlSyntaxError("an XML document has exactly one document element");
      seenRoot = true;
      if (input[j - 1] !== "/") depth++;
      i = j + 1;
    }
  }
  if (!seenRoot) throw new XmlSyntaxError("malformed XML: no document element");
}

function checkDeclaration(attrs: Record<string, string>): void {
  const encoding = attrs["encoding"];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new XmlSyntaxError(`unsupported encoding "${encoding}", only UTF-8 is accepted`);
  }
  if (attrs["version"] !== undefined && attrs["version"] !== "1.0") {
    throw new XmlSyntaxError(`unsupported XML version "${attrs["version"]}"`);
  }
}

function toElement(
  node: RawNode,
  qname: string,
  parentScope: ReadonlyMap<string, string>,
  depth: number,
  maxDepth: number,
): XmlElement {
  if (depth > maxDepth) throw new XmlSyntaxError(`elements are nested deeper than ${maxDepth} levels`);
  const rawAttrs = attributesOf(node);
  let scope = parentScope;
  const plain: [string, string][] = [];
  for (const [name, rawValue] of Object.entries(rawAttrs)) {
    const value = decodeReferences(rawValue, true);
    if (name === "xmlns" || name.startsWith("xmlns:")) {
      const prefix = name === "xmlns" ? "" : name.slice(6);
      checkNamespaceDeclaration(prefix, value);
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(prefix, value);
    } else {
      plain.push([name, value]);
    }
  }
  const [prefix, local] = splitQName(qname);
  const ns = prefix === "" ? (scope.get("") ?? "") : scope.get(prefix);
  if (ns === undefined) throw new XmlSyntaxError(`undeclared namespace prefix "${prefix}" on element <${qname}>`);
  const attributes: XmlAttribute[] = [];
  const seen = new Set<string>();
  for (const [name, value] of plain) {
    const [aPrefix, aLocal] = splitQName(name);
    const aNs = aPrefix === "" ? "" : scope.get(aPrefix);
    if (aNs === undefined) throw new XmlSyntaxError(`undeclared namespace prefix "${aPrefix}" on attribute ${name}`);
    const key = `{${aNs}}${aLocal}`;
    if (seen.has(key)) throw new XmlSyntaxError(`attribute ${key} is repeated on <${qname}>`);
    seen.add(key);
    attributes.push({ ns: aNs, local: aLocal, value });
  }
  const children: XmlNode[] = [];
  let pendingText: string | undefined;
  const flush = () => {
    if (pendingText !== undefined) children.push({ kind: "text", value: pendingText });
    pendingText = undefined;
  };
  for (const child of (node[qname] as RawNode[] | undefined) ?? []) {
    const name = nodeName(child);
    if (name === "#text") {
      pendingText = (pendingText ?? "") + decodeReferences(textOf(child), false);
    } else if (name === "#cdata") {
      const parts = (child["#cdata"] as RawNode[] | undefined) ?? [];
      pendingText = (pendingText ?? "") + parts.map(textOf).join("");
    } else if (name === "#comment" || name.startsWith("?")) {
      continue;
    } else {
      flush();
      children.push(toElement(child, name, scope, depth + 1, maxDepth));
    }
  }
  flush();
  return { kind: "element", ns, local, prefix, attributes, children, scope };
}

function checkNamespaceDeclaration(prefix: string, uri: string): void {
  if (prefix === "xmlns") throw new XmlSyntaxError("the xmlns prefix must not be declared");
  if (prefix === "xml" && uri !== XML_NS) throw new XmlSyntaxError("the xml prefix must not be rebound");
  if (prefix !== "xml" && (uri === XML_NS || uri === XMLNS_NS)) {
    throw new XmlSyntaxError(`namespace ${uri} must not be bound to another prefix`);
  }
  if (prefix !== "" && uri === "") throw new XmlSyntaxError(`prefix "${prefix}" must not be undeclared`);
  if (prefix !== "" && !NCNAME.test(prefix)) throw new XmlSyntaxError(`invalid namespace prefix "${prefix}"`);
}

function splitQName(qname: string): [string, string] {
  const i = qname.indexOf(":");
  const prefix = i < 0 ? "" : qname.slice(0, i);
  const local = i < 0 ? qname : qname.slice(i + 1);
  if ((prefix !== "" && !NCNAME.test(prefix)) || !NCNAME.test(local)) {
    throw new XmlSyntaxError(`"${qname}" is not a valid qualified name`);
  }
  return [prefix, local];
}

function decodeReferences(raw: string, inAttribute: boolean): string {
  if (inAttribute && raw.includes("<")) throw new XmlSyntaxError("'<' is not allowed in an attribute value");
  return raw.replace(REFERENCE, (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return PREDEFINED[named];
    if (hex === undefined && dec === undefined) {
      throw new XmlSyntaxError("'&' must start a character reference or one of &lt; &gt; &amp; &quot; &apos;");
    }
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec as string, 10);
    if (!Number.isSafeInteger(code) || code > 0x10ffff) throw new XmlSyntaxError(`invalid character reference ${whole}`);
    const ch = String.fromCodePoint(code);
    if (FORBIDDEN_CHAR.test(ch) || (code >= 0xd800 && code <= 0xdfff)) {
      throw new XmlSyntaxError(`character reference ${whole} is not an XML character`);
    }
    return ch;
  });
}

function nodeName(node: RawNode): string {
  for (const key of Object.keys(node)) if (key !== ":@") return key;
  throw new XmlSyntaxError("malformed XML");
}

function attributesOf(node: RawNode): Record<string, string> {
  const attrs = node[":@"];
  return attrs && typeof attrs === "object" ? (attrs as Record<string, string>) : {};
}

function textOf(node: RawNode): string {
  const t = node["#text"];
  return typeof t === "string" ? t : t === undefined ? "" : String(t);
}

function codePointHex(ch: string): string {
  return (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
}
