// Verifies that the proto contract mirrors the original SOAP XSDs 1:1, so that the SOAP gateway can map XML ⇄ proto
// generically (element name = proto JSON name). The XSDs are read by the gateway's own schema model
// (gateway-soap/src/xsd-model.ts); this script only adds the checks that are stricter than the gateway's start-up
// binding (mapping.ts bindOperations), because they are about the contract's shape rather than translatability:
//
// For every operation `Foo` of an XSD (element pair FooRequest/FooResponse) the service has a unary RPC `Foo`
// taking FooRequest and returning FooResponse, in XSD order, and every message (recursively; anonymous complex
// children are nested messages named in PascalCase, named complex types are top-level messages) has:
//   - name: for each XSD element a field whose jsonName is the element name and whose name is its snake_case,
//     and no field that the XSD does not know;
//   - order: field numbers 1..n in XSD sequence order; fields that exist only in the protocol 3.1 additions XSD
//     follow the 3.0 fields, in the additions' order;
//   - type: xs:string→string, xs:long/xs:integer→int64, xs:int→int32, xs:boolean→bool,
//     xs:dateTime→google.protobuf.Timestamp, enumerations→enum with <NAME>_UNSPECIFIED = 0 and then
//     <NAME>_<VALUE> in XSD order, complex types→message;
//   - cardinality: maxOccurs>1 → repeated; minOccurs=0 or a 3.1 addition → proto3 optional (or a message);
//     otherwise a plain singular field; never a oneof.
//
// Run from the repo root: npx node scripts/check-proto-xsd.ts (PROTO_GEN_DIR, POWERAUTH_XSD_DIR: see check-proto.sh)

import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ScalarType } from "@bufbuild/protobuf";
import type { DescField, DescFile, DescMessage } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import { parseSchema } from "../gateway-soap/src/xsd-model.ts";
import type { ElementDecl, SchemaModel, XsdType } from "../gateway-soap/src/xsd-model.ts";

export interface ContractReport {
  readonly errors: readonly string[];
  readonly operations: number;
  readonly messages: number;
  readonly fields: number;
}

/**
 * Compares a generated proto file with the XSD of its SOAP namespace (and, for v3, the protocol 3.1 additions
 * XSD). Returns every difference; an empty `errors` means the contract mirrors the schema.
 */
export function checkProtoAgainstXsd(file: DescFile, schema: SchemaModel, additions?: SchemaModel): ContractReport {
  const checker = new Checker(file);
  checker.checkSchemaShape(schema);
  if (additions && additions.targetNamespace !== schema.targetNamespace) {
    checker.err("the additions XSD has a different targetNamespace than the base XSD");
  }
  for (const [name, type] of schema.namedTypes) {
    const extra = additions?.namedTypes.get(name);
    if (type.kind === "enum") {
      if (extra && (extra.kind !== "enum" || extra.values.join(",") !== type.values.join(","))) {
        checker.err(`enum ${name} differs in the additions XSD`);
      }
      checker.checkEnum(name, type.values);
    } else if (type.kind === "complex") {
      checker.checkNamedMessage(name, type.elements, extra?.kind === "complex" ? extra.elements : undefined);
    }
  }
  checker.checkService(schema, additions);
  return { errors: checker.errors, operations: schema.operations.length, messages: checker.messages, fields: checker.fields };
}

/** The fields ErrorDetail must have: it is not in the XSD, but every gateway reads the core's errors by these names. */
export function checkErrorDetail(file: DescFile): string[] {
  const m = file.messages.find((x) => x.name === "ErrorDetail");
  if (!m) return [`${file.name}.proto: message ErrorDetail missing`];
  const want = "code=1:string,message=2:string,localized_message=3:string,current_recovery_puk_index=4:optional int64";
  const got = m.fields
    .map((f) => `${f.name}=${f.number}:${hasPresence(f) ? "optional " : ""}${f.fieldKind === "scalar" ? scalarName(f.scalar) : f.fieldKind}`)
    .join(",");
  return got === want ? [] : [`${file.name}.proto: ErrorDetail: expected ${want}, got ${got}`];
}

/** An XSD element as the proto field must mirror it. */
interface ExpectedField {
  readonly decl: ElementDecl;
  /** Exists only in the 3.1 additions: always proto3 optional, numbered after the 3.0 fields. */
  readonly addition: boolean;
  /** The same element's children in the additions XSD, when it has an anonymous complex type there. */
  readonly extraChildren: readonly ElementDecl[] | undefined;
}

const BUILTIN_SCALARS: Readonly<Record<string, ScalarType>> = {
  string: ScalarType.STRING,
  long: ScalarType.INT64,
  integer: ScalarType.INT64,
  int: ScalarType.INT32,
  boolean: ScalarType.BOOL,
};

class Checker {
  readonly errors: string[] = [];
  messages = 0;
  fields = 0;
  private readonly file: DescFile;
  private readonly pkg: string;
  /** Named complex types are checked once, however many elements use them. */
  private readonly namedChecked = new Set<string>();

  constructor(file: DescFile) {
    this.file = file;
    this.pkg = file.proto.package;
  }

  err(msg: string): void {
    this.errors.push(`${this.file.name}.proto: ${msg}`);
  }

  /** The gateway's model pairs operations leniently; the contract wants every global element to be one half of a pair. */
  checkSchemaShape(schema: SchemaModel): void {
    for (const name of schema.elements.keys()) {
      const m = /^(.*)(Request|Response)$/.exec(name);
      if (!m) this.err(`XSD: unexpected global element ${name} (only FooRequest/FooResponse pairs)`);
      else if (!schema.operations.includes(m[1])) this.err(`XSD: ${name} has no matching ${m[2] === "Request" ? "response" : "request"} element`);
    }
  }

  checkEnum(name: string, values: readonly string[]): void {
    const e = this.file.enums.find((x) => x.name === name);
    if (!e) return this.err(`enum ${name} missing`);
    const prefix = `${screamingSnake(name)}_`;
    const want = [`${prefix}UNSPECIFIED`, ...values.map((v) => prefix + v)].map((v, i) => `${v}=${i}`);
    const got = e.values.map((v) => `${v.name}=${v.number}`);
    if (got.join(",") !== want.join(",")) this.err(`enum ${name}: expected [${want.join(", ")}], got [${got.join(", ")}]`);
  }

  checkNamedMessage(name: string, elements: readonly ElementDecl[], extra: readonly ElementDecl[] | undefined): void {
    if (this.namedChecked.has(name)) return;
    this.namedChecked.add(name);
    const merged = this.merge(elements, extra, name);
    if (merged) this.checkMessage(this.file.messages.find((m) => m.name === name), name, merged);
  }

  checkService(schema: SchemaModel, additions: SchemaModel | undefined): void {
    const service = this.file.services.find((s) => s.name === "PowerAuthService");
    if (!service) return this.err("service PowerAuthService missing");
    const ops = schema.operations;
    const rpcNames = service.methods.map((m) => m.name);
    if (rpcNames.join(",") !== ops.join(",")) {
      const missing = ops.filter((o) => !rpcNames.includes(o));
      const unknown = rpcNames.filter((r) => !ops.includes(r));
      if (missing.length || unknown.length) this.err(`service PowerAuthService: missing RPCs [${missing.join(", ")}], unknown RPCs [${unknown.join(", ")}]`);
      else this.err("service PowerAuthService: RPCs are not in XSD order");
    }
    for (const op of ops) {
      const m = service.methods.find((x) => x.name === op);
      if (m) {
        if (m.methodKind !== "unary") this.err(`rpc ${op} must be unary`);
        if (m.input.name !== `${op}Request` || m.input.file !== this.file) this.err(`rpc ${op}: input must be ${op}Request`);
        if (m.output.name !== `${op}Response` || m.output.file !== this.file) this.err(`rpc ${op}: output must be ${op}Response`);
      }
      for (const elName of [`${op}Request`, `${op}Response`]) {
        const el = schema.elements.get(elName);
        if (el?.type.kind !== "complex" || el.type.name !== undefined) {
          this.err(`${elName}: a global element must have an anonymous complex type`);
          continue;
        }
        const extraEl = additions?.elements.get(elName);
        if (additions && !extraEl) this.err(`${elName}: missing in the additions XSD`);
        const merged = this.merge(el.type.elements, anonymousChildren(extraEl?.type), elName);
        if (merged) this.checkMessage(this.file.messages.find((x) => x.name === elName), elName, merged);
      }
    }
  }

  /**
   * The 3.0 elements first (definition from 3.0), then the additions' elements that 3.0 does not have, in the
   * additions' order. undefined (and an error) if both XSDs disagree about a shared element.
   */
  private merge(base: readonly ElementDecl[], extra: readonly ElementDecl[] | undefined, where: string): ExpectedField[] | undefined {
    const extraByName = new Map((extra ?? []).map((e) => [e.name, e]));
    const result: ExpectedField[] = [];
    let ok = true;
    for (const b of base) {
      const x = extraByName.get(b.name);
      let decl = b;
      if (extra && !x) {
        this.err(`${where}/${b.name}: present in 3.0 but missing in the additions XSD`);
        ok = false;
      } else if (x) {
        if (typeKey(x.type) !== typeKey(b.type)) {
          this.err(`${where}/${b.name}: type differs between 3.0 and the additions XSD`);
          ok = false;
        }
        if (x.maxOccurs !== b.maxOccurs) {
          this.err(`${where}/${b.name}: maxOccurs differs between 3.0 and the additions XSD`);
          ok = false;
        }
        // An element that 3.1 relaxes to minOccurs=0 (GetApplicationDetailRequest.applicationId) must be optional
        // in proto, or a 3.1 client could not leave it out.
        if (x.minOccurs < b.minOccurs) decl = { ...b, minOccurs: x.minOccurs };
      }
      result.push({ decl, addition: false, extraChildren: anonymousChildren(x?.type) });
    }
    const baseNames = new Set(base.map((e) => e.name));
    for (const x of extra ?? []) {
      if (!baseNames.has(x.name)) result.push({ decl: x, addition: true, extraChildren: undefined });
    }
    return ok ? result : undefined;
  }

  private checkMessage(msg: DescMessage | undefined, where: string, expected: readonly ExpectedField[]): void {
    if (!msg) return this.err(`message ${where} missing`);
    this.messages++;
    const seen = new Set<DescField>();
    expected.forEach((exp, i) => {
      const el = exp.decl;
      const path = `${msg.typeName}.${el.name}`;
      const f = msg.fields.find((x) => x.jsonName === el.name);
      if (!f) return this.err(`${path}: no field with jsonName "${el.name}" (XSD ${where}/${el.name})`);
      seen.add(f);
      this.fields++;
      if (f.name !== snake(el.name)) this.err(`${path}: field name ${f.name}, expected ${snake(el.name)} (snake_case of the XSD element name)`);
      if (f.number !== i + 1) {
        this.err(`${path}: field number ${f.number}, expected ${i + 1} (XSD sequence position${exp.addition ? ", 3.1 addition after the 3.0 fields" : ""})`);
      }
      if (f.oneof) this.err(`${path}: must not be part of a oneof`);
      if (this.checkCardinality(f, exp, path)) this.checkType(f, exp, msg, where, path);
    });
    for (const f of msg.fields) {
      if (!seen.has(f)) this.err(`${msg.typeName}.${f.name}: field has no XSD element (XSD ${where})`);
    }
  }

  /** false if the field's kind is so wrong that checking its type would only add noise. */
  private checkCardinality(f: DescField, exp: ExpectedField, path: string): boolean {
    const el = exp.decl;
    const repeated = el.maxOccurs > 1;
    if (repeated) {
      if (f.fieldKind === "list") return true;
      this.err(`${path}: XSD maxOccurs=${el.maxOccurs === Infinity ? "unbounded" : el.maxOccurs}, expected a repeated field, got ${f.fieldKind}`);
      return false;
    }
    if (f.fieldKind === "list" || f.fieldKind === "map") {
      this.err(`${path}: XSD maxOccurs=1, got ${f.fieldKind}`);
      return false;
    }
    if (f.fieldKind === "scalar" || f.fieldKind === "enum") {
      const optional = el.minOccurs === 0 || exp.addition;
      if (optional && !hasPresence(f)) this.err(`${path}: XSD minOccurs=0${exp.addition ? " / 3.1 addition" : ""}, expected proto3 optional`);
      if (!optional && hasPresence(f)) this.err(`${path}: XSD minOccurs=${el.minOccurs}, expected a plain (non-optional) field`);
    }
    return true;
  }

  private checkType(f: DescField, exp: ExpectedField, msg: DescMessage, where: string, path: string): void {
    const t = exp.decl.type;
    const k = elementTypeOf(f);
    if (t.kind === "builtin") {
      if (t.name === "dateTime") {
        if (k.message?.typeName !== "google.protobuf.Timestamp") this.err(`${path}: xs:dateTime must be google.protobuf.Timestamp`);
        return;
      }
      const want = BUILTIN_SCALARS[t.name];
      if (k.scalar !== want) {
        const got = k.scalar !== undefined ? scalarName(k.scalar) : (k.enumName ?? k.message?.typeName);
        this.err(`${path}: xs:${t.name} must be ${scalarName(want)}, got ${got}`);
      }
    } else if (t.kind === "enum") {
      if (k.enumName !== `${this.pkg}.${t.name}`) this.err(`${path}: tns:${t.name} must be enum ${this.pkg}.${t.name}`);
    } else if (t.name !== undefined) {
      if (k.message?.typeName !== `${this.pkg}.${t.name}`) this.err(`${path}: tns:${t.name} must be message ${this.pkg}.${t.name}`);
    } else {
      const nestedName = pascal(exp.decl.name);
      const nested = msg.nestedMessages.find((m) => m.name === nestedName);
      if (!nested) return this.err(`${path}: nested message ${msg.typeName}.${nestedName} missing`);
      if (k.message !== nested) this.err(`${path}: must have type ${nested.typeName}`);
      const merged = this.merge(t.elements, exp.extraChildren, `${where}/${exp.decl.name}`);
      if (merged) this.checkMessage(nested, `${where}/${exp.decl.name}`, merged);
    }
  }
}

function anonymousChildren(t: XsdType | undefined): readonly ElementDecl[] | undefined {
  return t?.kind === "complex" && t.name === undefined ? t.elements : undefined;
}

function typeKey(t: XsdType): string {
  if (t.kind === "builtin") return `xs:${t.name}`;
  return t.name === undefined ? "(anonymous)" : `tns:${t.name}`;
}

/** The type of a singular field or of the items of a list field. */
function elementTypeOf(fd: DescField): { scalar?: ScalarType; enumName?: string; message?: DescMessage } {
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
    case "map":
      return {};
  }
}

function hasPresence(f: DescField): boolean {
  return f.presence === FeatureSet_FieldPresence.EXPLICIT;
}

function scalarName(s: ScalarType | undefined): string {
  return s === undefined ? "(unsupported)" : ScalarType[s].toLowerCase();
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function screamingSnake(name: string): string {
  return snake(name).toUpperCase();
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<boolean> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const xsdDir = process.env.POWERAUTH_XSD_DIR ?? `${root}gateway-soap/xsd/reference`;
  const readXsd = (name: string) => parseSchema(readFileSync(`${xsdDir}/${name}`, "utf8"));
  const v3 = readXsd("PowerAuth-3.0.xsd");
  const v31 = readXsd("PowerAuth-3.1-additions-0.23.3.xsd");
  const v2 = readXsd("PowerAuth-2.0.xsd");

  // PROTO_GEN_DIR: check-proto.sh points it at freshly generated code, so the .proto sources are checked as they are.
  const genDir = (process.env.PROTO_GEN_DIR ?? `${root}proto/gen`).replace(/\/$/, "");
  const m3 = (await import(`${genDir}/powerauth/v3/powerauth_pb.js`)) as { file_powerauth_v3_powerauth: DescFile };
  const m2 = (await import(`${genDir}/powerauth/v2/powerauth_pb.js`)) as { file_powerauth_v2_powerauth: DescFile };

  const v3Report = checkProtoAgainstXsd(m3.file_powerauth_v3_powerauth, v3, v31);
  const results = [
    { label: "v3 (3.0 + 3.1 additions)", report: { ...v3Report, errors: [...v3Report.errors, ...checkErrorDetail(m3.file_powerauth_v3_powerauth)] } },
    { label: "v2", report: checkProtoAgainstXsd(m2.file_powerauth_v2_powerauth, v2) },
  ];
  for (const { label, report } of results) {
    if (report.errors.length) {
      console.error(`✗ ${label}: ${report.errors.length} problem(s)`);
      for (const e of report.errors) console.error(`  - ${e}`);
    } else {
      console.log(`✓ ${label}: ${report.operations} RPCs, ${report.messages} messages, ${report.fields} fields match the XSD`);
    }
  }
  return results.every((r) => r.report.errors.length === 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    if (!(await main())) process.exitCode = 1;
  } catch (err) {
    console.error(`check-proto-xsd: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
