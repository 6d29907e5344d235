// The schema model: the subset of XML Schema that the PowerAuth XSDs use, read into plain objects that the codec
// walks. Only what these schemas contain is supported (global elements with sequences of local elements, named
// enumerations of xs:string, named and anonymous complex types, six built-in types); anything else makes
// parseSchema throw, so a schema change that the codec would silently misread fails at start-up instead.

import { attribute, childElements, directText, isWhitespace, parseXml, resolveQName } from "./xml.ts";
import type { XmlElement } from "./xml.ts";

export const XSD_NS = "http://www.w3.org/2001/XMLSchema";
/** Namespace of our own annotations in the served XSD (ext:since, ext:minOccurs30). */
export const EXT_NS = "urn:powerauth-server-ts:xsd-extensions";

export type BuiltinTypeName = "string" | "long" | "int" | "integer" | "boolean" | "dateTime";

export interface BuiltinType {
  readonly kind: "builtin";
  readonly name: BuiltinTypeName;
}

export interface EnumType {
  readonly kind: "enum";
  readonly name: string;
  readonly values: readonly string[];
}

export interface ComplexType {
  readonly kind: "complex";
  /** Name of a named complex type (e.g. KeyValueMap); undefined for anonymous types. */
  readonly name: string | undefined;
  readonly elements: readonly ElementDecl[];
}

export type SimpleType = BuiltinType | EnumType;
export type XsdType = SimpleType | ComplexType;

export interface ElementDecl {
  readonly name: string;
  readonly type: XsdType;
  readonly minOccurs: number;
  /** Infinity for maxOccurs="unbounded". */
  readonly maxOccurs: number;
  /** Protocol version that added the element (ext:since="3.1"); undefined for elements of the 3.0 schema. */
  readonly since: string | undefined;
  /** minOccurs the element had in 3.0 when a later version relaxed it (ext:minOccurs30). */
  readonly minOccurs30: number | undefined;
}

export interface SchemaModel {
  readonly targetNamespace: string;
  /** Global elements by local name, in document order. */
  readonly elements: ReadonlyMap<string, ElementDecl>;
  /** Operation names: every `Foo` that has both a global `FooRequest` and a `FooResponse`, in document order. */
  readonly operations: readonly string[];
  readonly namedTypes: ReadonlyMap<string, XsdType>;
}

/** The schema uses a construct this model does not support. */
export class UnsupportedSchemaError extends Error {
  override readonly name = "UnsupportedSchemaError";
}

const BUILTINS: ReadonlySet<string> = new Set<BuiltinTypeName>(["string", "long", "int", "integer", "boolean", "dateTime"]);
const ELEMENT_ATTRIBUTES: ReadonlySet<string> = new Set(["name", "type", "minOccurs", "maxOccurs"]);

/** Reads an XSD document into a SchemaModel; throws UnsupportedSchemaError for constructs outside the subset. */
export function parseSchema(xsdText: string): SchemaModel {
  const root = parseXml(xsdText, { maxDepth: 64 });
  expectXsd(root, "schema");
  const targetNamespace = attribute(root, "", "targetNamespace");
  if (!targetNamespace) throw new UnsupportedSchemaError("the schema has no targetNamespace");
  if (attribute(root, "", "elementFormDefault") !== "qualified") {
    throw new UnsupportedSchemaError('only elementFormDefault="qualified" is supported');
  }

  const typeNodes = new Map<string, XmlElement>();
  const elementNodes: XmlElement[] = [];
  for (const child of schemaChildren(root)) {
    if (child.local === "element") {
      elementNodes.push(child);
    } else if (child.local === "simpleType" || child.local === "complexType") {
      const name = requiredAttribute(child, "name");
      if (typeNodes.has(name)) throw new UnsupportedSchemaError(`type ${name} is defined twice`);
      typeNodes.set(name, child);
    } else {
      throw new UnsupportedSchemaError(`unsupported top-level xs:${child.local}`);
    }
  }

  const namedTypes = new Map<string, XsdType>();
  const resolving = new Set<string>();
  const resolveNamed = (name: string): XsdType => {
    const done = namedTypes.get(name);
    if (done) return done;
    const node = typeNodes.get(name);
    if (!node) throw new UnsupportedSchemaError(`type ${name} is not defined in the schema`);
    if (resolving.has(name)) throw new UnsupportedSchemaError(`type ${name} is recursive`);
    resolving.add(name);
    const type: XsdType = node.local === "simpleType" ? readSimpleType(node, name) : readComplexType(node, name, ctx);
    resolving.delete(name);
    namedTypes.set(name, type);
    return type;
  };
  const ctx: Context = { targetNamespace, resolveNamed };
  for (const name of typeNodes.keys()) resolveNamed(name);

  const elements = new Map<string, ElementDecl>();
  for (const node of elementNodes) {
    const decl = readElement(node, ctx, true);
    if (elements.has(decl.name)) throw new UnsupportedSchemaError(`global element ${decl.name} is defined twice`);
    elements.set(decl.name, decl);
  }
  const operations: string[] = [];
  for (const name of elements.keys()) {
    const op = name.endsWith("Request") ? name.slice(0, -"Request".length) : undefined;
    if (op && elements.has(`${op}Response`)) operations.push(op);
  }
  return { targetNamespace, elements, operations, namedTypes };
}

interface Context {
  readonly targetNamespace: string;
  readonly resolveNamed: (name: string) => XsdType;
}

function readElement(node: XmlElement, ctx: Context, global: boolean): ElementDecl {
  for (const a of node.attributes) {
    const known = a.ns === "" ? ELEMENT_ATTRIBUTES.has(a.local) : a.ns === EXT_NS;
    if (!known) throw new UnsupportedSchemaError(`unsupported attribute ${a.local} on xs:element`);
  }
  const name = requiredAttribute(node, "name");
  const typeRef = attribute(node, "", "type");
  const inline = schemaChildren(node);
  let type: XsdType;
  if (typeRef !== undefined) {
    if (inline.length > 0) throw new UnsupportedSchemaError(`element ${name} has both a type and an inline type`);
    type = resolveTypeRef(node, typeRef, ctx);
  } else {
    if (inline.length !== 1 || inline[0].local !== "complexType") {
      throw new UnsupportedSchemaError(`element ${name} needs a type attribute or one inline xs:complexType`);
    }
    type = readComplexType(inline[0], undefined, ctx);
  }
  const minOccurs = occurs(node, "minOccurs");
  const maxOccurs = occurs(node, "maxOccurs");
  if (global && (attribute(node, "", "minOccurs") !== undefined || attribute(node, "", "maxOccurs") !== undefined)) {
    throw new UnsupportedSchemaError(`global element ${name} must not have minOccurs/maxOccurs`);
  }
  if (minOccurs > maxOccurs || maxOccurs === 0) throw new UnsupportedSchemaError(`element ${name} has invalid occurrence bounds`);
  const since = attribute(node, EXT_NS, "since");
  const min30 = attribute(node, EXT_NS, "minOccurs30");
  if (since !== undefined && minOccurs !== 0) {
    throw new UnsupportedSchemaError(`element ${name} is marked ext:since but is required; later additions must be optional`);
  }
  return {
    name,
    type,
    minOccurs,
    maxOccurs,
    since,
    minOccurs30: min30 === undefined ? undefined : parseOccurs(min30, name),
  };
}

function readComplexType(node: XmlElement, name: string | undefined, ctx: Context): ComplexType {
  expectXsd(node, "complexType");
  const parts = schemaChildren(node);
  if (parts.length === 0) return { kind: "complex", name, elements: [] };
  if (parts.length !== 1 || parts[0].local !== "sequence") {
    throw new UnsupportedSchemaError(`complex type ${name ?? "(anonymous)"}: only a single xs:sequence is supported`);
  }
  const sequence = parts[0];
  if (sequence.attributes.length > 0) throw new UnsupportedSchemaError("attributes on xs:sequence are not supported");
  const elements: ElementDecl[] = [];
  for (const child of schemaChildren(sequence)) {
    if (child.local !== "element") throw new UnsupportedSchemaError(`unsupported xs:${child.local} inside xs:sequence`);
    const decl = readElement(child, ctx, false);
    if (elements.some((e) => e.name === decl.name)) {
      throw new UnsupportedSchemaError(`element ${decl.name} occurs twice in one sequence`);
    }
    elements.push(decl);
  }
  return { kind: "complex", name, elements };
}

function readSimpleType(node: XmlElement, name: string): EnumType {
  const parts = schemaChildren(node);
  const restriction = parts[0];
  if (parts.length !== 1 || restriction.local !== "restriction") {
    throw new UnsupportedSchemaError(`simple type ${name}: only xs:restriction is supported`);
  }
  const base = resolveQName(restriction, requiredAttribute(restriction, "base"));
  if (base.ns !== XSD_NS || base.local !== "string") {
    throw new UnsupportedSchemaError(`simple type ${name}: only restrictions of xs:string are supported`);
  }
  const values: string[] = [];
  for (const facet of schemaChildren(restriction)) {
    if (facet.local !== "enumeration") throw new UnsupportedSchemaError(`simple type ${name}: unsupported facet xs:${facet.local}`);
    values.push(requiredAttribute(facet, "value"));
  }
  if (values.length === 0) throw new UnsupportedSchemaError(`simple type ${name} has no enumeration values`);
  return { kind: "enum", name, values };
}

function resolveTypeRef(node: XmlElement, typeRef: string, ctx: Context): XsdType {
  const q = resolveQName(node, typeRef);
  if (q.ns === XSD_NS) {
    if (!BUILTINS.has(q.local)) throw new UnsupportedSchemaError(`built-in type xs:${q.local} is not supported`);
    return { kind: "builtin", name: q.local as BuiltinTypeName };
  }
  if (q.ns !== ctx.targetNamespace) throw new UnsupportedSchemaError(`type ${typeRef} is from a foreign namespace`);
  return ctx.resolveNamed(q.local);
}

/** The XSD children of a schema component, skipping xs:annotation; rejects foreign elements and text. */
function schemaChildren(node: XmlElement): XmlElement[] {
  if (!isWhitespace(directText(node))) throw new UnsupportedSchemaError(`unexpected text inside xs:${node.local}`);
  const out: XmlElement[] = [];
  for (const child of childElements(node)) {
    if (child.ns !== XSD_NS) throw new UnsupportedSchemaError(`unexpected element {${child.ns}}${child.local}`);
    if (child.local !== "annotation") out.push(child);
  }
  return out;
}

function expectXsd(node: XmlElement, local: string): void {
  if (node.ns !== XSD_NS || node.local !== local) {
    throw new UnsupportedSchemaError(`expected xs:${local}, found {${node.ns}}${node.local}`);
  }
}

function requiredAttribute(node: XmlElement, name: string): string {
  const v = attribute(node, "", name);
  if (v === undefined) throw new UnsupportedSchemaError(`xs:${node.local} needs a ${name} attribute`);
  return v;
}

function occurs(node: XmlElement, which: "minOccurs" | "maxOccurs"): number {
  const v = attribute(node, "", which);
  if (v === undefined) return 1;
  if (which === "maxOccurs" && v === "unbounded") return Number.POSITIVE_INFINITY;
  return parseOccurs(v, attribute(node, "", "name") ?? "?");
}

function parseOccurs(v: string, element: string): number {
  if (!/^[0-9]+$/.test(v)) throw new UnsupportedSchemaError(`element ${element}: invalid occurrence "${v}"`);
  return Number(v);
}
