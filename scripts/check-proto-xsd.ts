// Verifies that the proto contract mirrors the SOAP XSDs 1:1, so that the SOAP gateway can map XML ⇄ proto
// generically (by element name = proto JSON name).
//
// For every operation `Foo` of an XSD (element pair FooRequest/FooResponse) it checks that the service has an
// RPC `Foo` taking FooRequest and returning FooResponse, and for every message (recursively, including the
// anonymous complex children, which are nested messages named in PascalCase) that:
//   - each XSD element maps to a proto field whose jsonName equals the element name,
//   - field numbers follow the XSD sequence order (1..n); fields that exist only in the protocol 3.1
//     additions XSD follow the 3.0 fields, in the additions' order,
//   - the type matches (xs:string→string, xs:long/xs:integer→int64, xs:int→int32, xs:boolean→bool,
//     xs:dateTime→google.protobuf.Timestamp, named simple types→enum with <NAME>_UNSPECIFIED = 0 and then
//     <NAME>_<VALUE> in XSD order, named/anonymous complex types→message),
//   - cardinality matches (maxOccurs>1 → repeated; minOccurs=0 single → proto3 optional / message; otherwise
//     a plain singular field). Fields from the additions are always optional.
//   - the message has no field that the XSD does not know.
//
// Run from the repo root: npx node scripts/check-proto-xsd.ts

import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { XMLParser } from "fast-xml-parser";
import { ScalarType } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import type { DescEnum, DescField, DescFile, DescMessage, DescService } from "@bufbuild/protobuf";

// ---------------------------------------------------------------------------------------------------------------
// XSD model

export type XsdType =
  | { kind: "builtin"; name: string }
  | { kind: "simple"; name: string }
  | { kind: "complex"; name: string }
  | { kind: "anonymous"; children: XsdElement[] };

export interface XsdElement {
  name: string;
  type: XsdType;
  minOccurs: number;
  maxOccurs: number; // Infinity for unbounded
  doc?: string;
}

export interface XsdSchema {
  targetNamespace: string;
  elements: Map<string, XsdElement>; // top-level elements, in document order
  simpleTypes: Map<string, { values: string[]; doc?: string }>;
  complexTypes: Map<string, XsdElement[]>;
}

type Node = Record<string, unknown>;

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ":@" && k !== "#text" && k !== "#comment");
}

function childrenOf(node: Node): Node[] {
  const tag = tagOf(node);
  return tag ? ((node[tag] as Node[]) ?? []) : [];
}

function attrsOf(node: Node): Record<string, string> {
  return (node[":@"] as Record<string, string>) ?? {};
}

function named(nodes: Node[], tag: string): Node[] {
  return nodes.filter((n) => tagOf(n) === tag);
}

function documentation(node: Node): string | undefined {
  for (const ann of named(childrenOf(node), "xs:annotation")) {
    for (const doc of named(childrenOf(ann), "xs:documentation")) {
      const text = childrenOf(doc)
        .map((t) => String((t as Node)["#text"] ?? ""))
        .join("");
      return text.replace(/\s+/g, " ").trim();
    }
  }
  return undefined;
}

function parseOccurs(value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  if (value === "unbounded") return Infinity;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad occurs value ${value}`);
  return n;
}

function parseSequence(complexType: Node, simpleNames: Set<string>, where: string): XsdElement[] {
  const seqs = named(childrenOf(complexType), "xs:sequence");
  const others = childrenOf(complexType).filter((n) => {
    const t = tagOf(n);
    return t !== "xs:sequence" && t !== "xs:annotation";
  });
  if (seqs.length !== 1 || others.length) throw new Error(`${where}: only a single xs:sequence is supported`);
  return childrenOf(seqs[0]).flatMap((n) => {
    const t = tagOf(n);
    if (t === undefined) return [];
    if (t !== "xs:element") throw new Error(`${where}: unsupported ${t} in sequence`);
    return [parseElement(n, simpleNames, where)];
  });
}

function parseElement(node: Node, simpleNames: Set<string>, where: string): XsdElement {
  const a = attrsOf(node);
  const name = a["@_name"];
  if (!name) throw new Error(`${where}: element without a name (refs are not supported)`);
  const path = `${where}/${name}`;
  let type: XsdType;
  if (a["@_type"]) {
    const [prefix, local] = a["@_type"].split(":");
    if (prefix === "xs") type = { kind: "builtin", name: local };
    else if (prefix === "tns") type = simpleNames.has(local) ? { kind: "simple", name: local } : { kind: "complex", name: local };
    else throw new Error(`${path}: unknown type prefix in ${a["@_type"]}`);
  } else {
    const ct = named(childrenOf(node), "xs:complexType");
    if (ct.length !== 1) throw new Error(`${path}: element has neither a type nor an anonymous complexType`);
    type = { kind: "anonymous", children: parseSequence(ct[0], simpleNames, path) };
  }
  return {
    name,
    type,
    minOccurs: parseOccurs(a["@_minOccurs"], 1),
    maxOccurs: parseOccurs(a["@_maxOccurs"], 1),
    doc: documentation(node),
  };
}

export function parseXsd(file: string): XsdSchema {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    commentPropName: "#comment",
    trimValues: true,
  });
  const doc = parser.parse(readFileSync(file, "utf8")) as Node[];
  const schemaNode = doc.find((n) => tagOf(n) === "xs:schema");
  if (!schemaNode) throw new Error(`${file}: no xs:schema`);
  const top = childrenOf(schemaNode);
  const schema: XsdSchema = {
    targetNamespace: attrsOf(schemaNode)["@_targetNamespace"],
    elements: new Map(),
    simpleTypes: new Map(),
    complexTypes: new Map(),
  };
  for (const st of named(top, "xs:simpleType")) {
    const restriction = named(childrenOf(st), "xs:restriction")[0];
    const values = named(childrenOf(restriction), "xs:enumeration").map((e) => attrsOf(e)["@_value"]);
    schema.simpleTypes.set(attrsOf(st)["@_name"], { values, doc: documentation(st) });
  }
  const simpleNames = new Set(schema.simpleTypes.keys());
  for (const ct of named(top, "xs:complexType")) {
    const name = attrsOf(ct)["@_name"];
    schema.complexTypes.set(name, parseSequence(ct, simpleNames, name));
  }
  for (const el of named(top, "xs:element")) {
    const e = parseElement(el, simpleNames, "");
    schema.elements.set(e.name, e);
  }
  for (const t of top) {
    const tag = tagOf(t);
    if (tag && !["xs:simpleType", "xs:complexType", "xs:element"].includes(tag)) {
      throw new Error(`${file}: unsupported top-level ${tag}`);
    }
  }
  return schema;
}

/** Operation names (`Foo` for each FooRequest/FooResponse pair), in the XSD's document order. */
export function operationsOf(schema: XsdSchema): string[] {
  const ops: string[] = [];
  for (const name of schema.elements.keys()) {
    const m = /^(.*)Request$/.exec(name);
    if (!m) continue;
    if (!schema.elements.has(`${m[1]}Response`)) throw new Error(`${name} has no matching response element`);
    ops.push(m[1]);
  }
  for (const name of schema.elements.keys()) {
    if (!/(Request|Response)$/.test(name)) throw new Error(`unexpected top-level element ${name}`);
    const m = /^(.*)Response$/.exec(name);
    if (m && !schema.elements.has(`${m[1]}Request`)) throw new Error(`${name} has no matching request element`);
  }
  return ops;
}

/** A field of a proto message as the XSD(s) dictate it. */
interface ExpectedField {
  element: XsdElement;
  /** true for fields that exist only in the 3.1 additions: always proto3 optional, numbered after 3.0 */
  addition: boolean;
}

/**
 * Merges a 3.0 sequence with the same sequence of the additions XSD: the 3.0 elements first (definition from
 * 3.0), then the additions' elements that 3.0 does not have, in the additions' order. Nested anonymous types are
 * merged the same way.
 */
function mergeSequences(base: XsdElement[], extra: XsdElement[] | undefined, where: string): ExpectedField[] {
  const result: ExpectedField[] = base.map((e) => ({ element: e, addition: false }));
  if (!extra) return result;
  const extraByName = new Map(extra.map((e) => [e.name, e]));
  for (const r of result) {
    const x = extraByName.get(r.element.name);
    if (!x) throw new Error(`${where}/${r.element.name}: present in 3.0 but missing in the additions XSD`);
    if (describeType(x.type) !== describeType(r.element.type)) {
      throw new Error(`${where}/${r.element.name}: type differs between 3.0 and the additions XSD`);
    }
    if (x.maxOccurs !== r.element.maxOccurs) throw new Error(`${where}/${r.element.name}: maxOccurs differs between 3.0 and the additions XSD`);
    // A field that 3.1 relaxes to minOccurs=0 (GetApplicationDetailRequest.applicationId) must be optional in
    // proto, or a 3.1 client could not leave it out.
    if (x.minOccurs < r.element.minOccurs) r.element = { ...r.element, minOccurs: x.minOccurs };
  }
  const baseNames = new Set(base.map((e) => e.name));
  for (const x of extra) if (!baseNames.has(x.name)) result.push({ element: x, addition: true });
  return result;
}

function describeType(t: XsdType): string {
  switch (t.kind) {
    case "builtin":
      return `xs:${t.name}`;
    case "simple":
    case "complex":
      return `tns:${t.name}`;
    case "anonymous":
      return "(anonymous)";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Proto side

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

const BUILTIN_SCALARS: Record<string, ScalarType> = {
  string: ScalarType.STRING,
  long: ScalarType.INT64,
  integer: ScalarType.INT64,
  int: ScalarType.INT32,
  boolean: ScalarType.BOOL,
};

class Checker {
  errors: string[] = [];
  checkedMessages = 0;
  checkedFields = 0;
  private readonly file: DescFile;
  private readonly schema: XsdSchema;

  constructor(file: DescFile, schema: XsdSchema) {
    this.file = file;
    this.schema = schema;
  }

  err(msg: string): void {
    this.errors.push(`${this.file.name}.proto: ${msg}`);
  }

  topMessage(name: string): DescMessage | undefined {
    return this.file.messages.find((m) => m.name === name);
  }

  checkEnum(name: string, values: string[]): void {
    const e: DescEnum | undefined = this.file.enums.find((x) => x.name === name);
    if (!e) return this.err(`enum ${name} missing`);
    const prefix = `${screamingSnake(name)}_`;
    const expected = [`${prefix}UNSPECIFIED`, ...values.map((v) => prefix + v)];
    const actual = e.values.map((v) => `${v.name}=${v.number}`);
    const want = expected.map((v, i) => `${v}=${i}`);
    if (actual.join(",") !== want.join(",")) this.err(`enum ${name}: expected [${want.join(", ")}], got [${actual.join(", ")}]`);
  }

  checkMessage(msg: DescMessage | undefined, where: string, fields: ExpectedField[], extraFor: (el: XsdElement) => XsdElement[] | undefined): void {
    if (!msg) return this.err(`message ${where} missing`);
    this.checkedMessages++;
    const byJson = new Map(msg.fields.map((f) => [f.jsonName, f]));
    const seen = new Set<DescField>();
    fields.forEach(({ element: el, addition }, i) => {
      const path = `${msg.typeName}.${el.name}`;
      const f = byJson.get(el.name);
      if (!f) return this.err(`${path}: no field with jsonName "${el.name}" (XSD ${where}/${el.name})`);
      seen.add(f);
      this.checkedFields++;
      if (f.name !== snake(el.name)) this.err(`${path}: field name ${f.name}, expected ${snake(el.name)} (snake_case of the XSD element name)`);
      if (f.number !== i + 1) this.err(`${path}: field number ${f.number}, expected ${i + 1} (XSD sequence position${addition ? ", 3.1 addition after the 3.0 fields" : ""})`);
      const repeated = el.maxOccurs > 1;
      const optional = !repeated && (el.minOccurs === 0 || addition);
      // cardinality
      if (repeated) {
        if (f.fieldKind !== "list") return this.err(`${path}: XSD maxOccurs=${el.maxOccurs === Infinity ? "unbounded" : el.maxOccurs}, expected a repeated field, got ${f.fieldKind}`);
      } else if (f.fieldKind === "list" || f.fieldKind === "map") {
        return this.err(`${path}: XSD maxOccurs=1, got ${f.fieldKind}`);
      } else if (f.fieldKind === "scalar" || f.fieldKind === "enum") {
        const isOptional = f.presence === FeatureSet_FieldPresence.EXPLICIT;
        if (optional && !isOptional) this.err(`${path}: XSD minOccurs=0${addition ? " / 3.1 addition" : ""}, expected proto3 optional`);
        if (!optional && isOptional) this.err(`${path}: XSD minOccurs=${el.minOccurs}, expected a plain (non-optional) field`);
      }
      if (f.oneof) this.err(`${path}: must not be part of a oneof`);
      // type
      const t = el.type;
      const kindOf = (fd: DescField): { scalar?: ScalarType; enumName?: string; message?: DescMessage } => {
        switch (fd.fieldKind) {
          case "scalar":
            return { scalar: fd.scalar };
          case "enum":
            return { enumName: fd.enum.typeName };
          case "message":
            return { message: fd.message };
          case "list":
            if (fd.listKind === "scalar") return { scalar: fd.scalar };
            if (fd.listKind === "enum") return { enumName: fd.enum.typeName };
            return { message: fd.message };
          default:
            return {};
        }
      };
      const k = kindOf(f);
      const pkg = this.file.proto.package;
      switch (t.kind) {
        case "builtin": {
          if (t.name === "dateTime") {
            if (k.message?.typeName !== "google.protobuf.Timestamp") this.err(`${path}: xs:dateTime must be google.protobuf.Timestamp`);
          } else {
            const want = BUILTIN_SCALARS[t.name];
            if (want === undefined) this.err(`${path}: unsupported builtin xs:${t.name}`);
            else if (k.scalar !== want) this.err(`${path}: xs:${t.name} must be ${ScalarType[want].toLowerCase()}, got ${k.scalar !== undefined ? ScalarType[k.scalar].toLowerCase() : (k.enumName ?? k.message?.typeName)}`);
          }
          break;
        }
        case "simple":
          if (k.enumName !== `${pkg}.${t.name}`) this.err(`${path}: tns:${t.name} must be enum ${pkg}.${t.name}`);
          break;
        case "complex":
          if (k.message?.typeName !== `${pkg}.${t.name}`) this.err(`${path}: tns:${t.name} must be message ${pkg}.${t.name}`);
          break;
        case "anonymous": {
          const nestedName = pascal(el.name);
          const nested = msg.nestedMessages.find((m) => m.name === nestedName);
          if (!nested) {
            this.err(`${path}: nested message ${msg.typeName}.${nestedName} missing`);
            break;
          }
          if (k.message !== nested) this.err(`${path}: must have type ${nested.typeName}`);
          const extra = extraFor(el);
          let merged: ExpectedField[];
          try {
            merged = mergeSequences(t.children, extra, `${where}/${el.name}`);
          } catch (e) {
            this.err(String((e as Error).message));
            break;
          }
          this.checkMessage(nested, `${where}/${el.name}`, merged, (child) => {
            const x = extra?.find((c) => c.name === child.name);
            return x?.type.kind === "anonymous" ? x.type.children : undefined;
          });
          break;
        }
      }
    });
    for (const f of msg.fields) {
      if (!seen.has(f)) this.err(`${msg.typeName}.${f.name}: field has no XSD element (XSD ${where})`);
    }
  }

  /** ErrorDetail is not in the XSD: the core attaches it to every error; the gateways read it by these names. */
  checkErrorDetail(): void {
    const m = this.topMessage("ErrorDetail");
    if (!m) return this.err("message ErrorDetail missing");
    const want = "code=1:string,message=2:string,localized_message=3:string,current_recovery_puk_index=4:optional int64";
    const got = m.fields
      .map((f) => `${f.name}=${f.number}:${f.presence === FeatureSet_FieldPresence.EXPLICIT ? "optional " : ""}${f.fieldKind === "scalar" ? ScalarType[f.scalar].toLowerCase() : f.fieldKind}`)
      .join(",");
    if (got !== want) this.err(`ErrorDetail: expected ${want}, got ${got}`);
  }

  checkAll(additions: XsdSchema | undefined, serviceName: string): void {
    for (const [name, st] of this.schema.simpleTypes) {
      const add = additions?.simpleTypes.get(name);
      if (add && add.values.join(",") !== st.values.join(",")) this.err(`enum ${name} differs in the additions XSD`);
      this.checkEnum(name, st.values);
    }
    for (const [name, seq] of this.schema.complexTypes) {
      const extra = additions?.complexTypes.get(name);
      let merged: ExpectedField[];
      try {
        merged = mergeSequences(seq, extra, name);
      } catch (e) {
        this.err(String((e as Error).message));
        continue;
      }
      this.checkMessage(this.topMessage(name), name, merged, (el) => {
        const x = extra?.find((c) => c.name === el.name);
        return x?.type.kind === "anonymous" ? x.type.children : undefined;
      });
    }
    const service: DescService | undefined = this.file.services.find((s) => s.name === serviceName);
    if (!service) return this.err(`service ${serviceName} missing`);
    const ops = operationsOf(this.schema);
    const rpcNames = service.methods.map((m) => m.name);
    if (rpcNames.join(",") !== ops.join(",")) {
      const missing = ops.filter((o) => !rpcNames.includes(o));
      const unknown = rpcNames.filter((r) => !ops.includes(r));
      if (missing.length || unknown.length) this.err(`service ${serviceName}: missing RPCs [${missing.join(", ")}], unknown RPCs [${unknown.join(", ")}]`);
      else this.err(`service ${serviceName}: RPCs are not in XSD order`);
    }
    for (const op of ops) {
      const m = service.methods.find((x) => x.name === op);
      if (m) {
        if (m.methodKind !== "unary") this.err(`rpc ${op} must be unary`);
        if (m.input.name !== `${op}Request` || m.input.file !== this.file) this.err(`rpc ${op}: input must be ${op}Request`);
        if (m.output.name !== `${op}Response` || m.output.file !== this.file) this.err(`rpc ${op}: output must be ${op}Response`);
      }
      for (const suffix of ["Request", "Response"]) {
        const elName = op + suffix;
        const el = this.schema.elements.get(elName)!;
        const extraEl = additions?.elements.get(elName);
        if (el.type.kind !== "anonymous") {
          this.err(`${elName}: top-level element must have an anonymous complex type`);
          continue;
        }
        const extra = extraEl?.type.kind === "anonymous" ? extraEl.type.children : undefined;
        if (additions && !extraEl) this.err(`${elName}: missing in the additions XSD`);
        let merged: ExpectedField[];
        try {
          merged = mergeSequences(el.type.children, extra, elName);
        } catch (e) {
          this.err(String((e as Error).message));
          continue;
        }
        this.checkMessage(this.topMessage(elName), elName, merged, (child) => {
          const x = extra?.find((c) => c.name === child.name);
          return x?.type.kind === "anonymous" ? x.type.children : undefined;
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const xsdDir = process.env.POWERAUTH_XSD_DIR ?? `${root}gateway-soap/xsd/reference`;
  const v3 = parseXsd(`${xsdDir}/PowerAuth-3.0.xsd`);
  const v31 = parseXsd(`${xsdDir}/PowerAuth-3.1-additions-0.23.3.xsd`);
  const v2 = parseXsd(`${xsdDir}/PowerAuth-2.0.xsd`);
  if (v31.targetNamespace !== v3.targetNamespace) throw new Error("additions XSD has a different namespace than 3.0");

  const genDir = process.env.PROTO_GEN_DIR ? `${process.env.PROTO_GEN_DIR.replace(/\/$/, "")}` : `${root}proto/gen`;
  const m3 = (await import(`${genDir}/powerauth/v3/powerauth_pb.js`)) as { file_powerauth_v3_powerauth: DescFile };
  const m2 = (await import(`${genDir}/powerauth/v2/powerauth_pb.js`)) as { file_powerauth_v2_powerauth: DescFile };

  let failed = false;
  for (const [label, file, schema, additions] of [
    ["v3 (3.0 + 3.1 additions)", m3.file_powerauth_v3_powerauth, v3, v31],
    ["v2", m2.file_powerauth_v2_powerauth, v2, undefined],
  ] as const) {
    const c = new Checker(file, schema);
    c.checkAll(additions, "PowerAuthService");
    if (additions) c.checkErrorDetail();
    const ops = operationsOf(schema).length;
    if (c.errors.length) {
      failed = true;
      console.error(`✗ ${label}: ${c.errors.length} problem(s)`);
      for (const e of c.errors) console.error(`  - ${e}`);
    } else {
      console.log(`✓ ${label}: ${ops} RPCs, ${c.checkedMessages} messages, ${c.checkedFields} fields match the XSD`);
    }
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
