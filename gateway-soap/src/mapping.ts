// The one XML ⇄ proto mapping of the gateway, generic over all operations: XSD element `x` ⇔ proto field with
// JSON name `x`. bindMessage pairs a complex type with a message descriptor once, checking that they mirror each
// other (so a contract drift fails at start-up, not on a request); fromSoap*/toSoap* then convert with the
// protobuf reflection API. Everything here is pure.

import { create, isMessage, ScalarType } from "@bufbuild/protobuf";
import type { DescEnum, DescField, DescMessage, DescMethodUnary, Message } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import type { ReflectList, ReflectMessage } from "@bufbuild/protobuf/reflect";
import { FeatureSet_FieldPresence, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { ResponseMappingError } from "./faults.ts";
import { decodeElement, encodeElement, XsdInputError, XsdOutputError } from "./xsd-codec.ts";
import type { XsdDateTime, XsdItem, XsdRecord, XsdSimpleValue } from "./xsd-codec.ts";
import type { ComplexType, ElementDecl, EnumType, SchemaModel } from "./xsd-model.ts";
import type { XmlElement } from "./xml.ts";

/** The XSD and the proto descriptors do not mirror each other. */
export class ContractMismatchError extends Error {
  override readonly name = "ContractMismatchError";
}

type Converter =
  | { readonly kind: "string" }
  | { readonly kind: "bool" }
  | { readonly kind: "int"; readonly min: bigint; readonly max: bigint; readonly bigint: boolean }
  | { readonly kind: "timestamp" }
  | { readonly kind: "enum"; readonly toProto: ReadonlyMap<string, number>; readonly fromProto: ReadonlyMap<number, string> }
  | { readonly kind: "message"; readonly binding: MessageBinding };

interface FieldBinding {
  readonly decl: ElementDecl;
  readonly field: DescField;
  readonly converter: Converter;
}

export interface MessageBinding {
  readonly desc: DescMessage;
  readonly type: ComplexType;
  readonly fields: readonly FieldBinding[];
}

export interface OperationBinding {
  /** Operation name, e.g. "GetActivationStatus" (= RPC name). */
  readonly name: string;
  readonly targetNamespace: string;
  readonly method: DescMethodUnary;
  readonly requestDecl: ElementDecl;
  readonly responseDecl: ElementDecl;
  readonly request: MessageBinding;
  readonly response: MessageBinding;
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };
const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const UINT32 = { min: 0n, max: 2n ** 32n - 1n };

/**
 * Pairs every operation of a schema with the RPC of the same name, checking both messages recursively.
 * Throws ContractMismatchError listing every difference.
 */
export function bindOperations(schema: SchemaModel, methods: readonly DescMethodUnary[]): OperationBinding[] {
  const problems: string[] = [];
  const out: OperationBinding[] = [];
  for (const name of schema.operations) {
    const method = methods.find((m) => m.name === name);
    if (!method) {
      problems.push(`operation ${name}: no RPC ${name} in the service`);
      continue;
    }
    const requestDecl = schema.elements.get(`${name}Request`) as ElementDecl;
    const responseDecl = schema.elements.get(`${name}Response`) as ElementDecl;
    const request = collect(problems, () => bindMessage(requestDecl, method.input));
    const response = collect(problems, () => bindMessage(responseDecl, method.output));
    if (request && response) {
      out.push({ name, targetNamespace: schema.targetNamespace, method, requestDecl, responseDecl, request, response });
    }
  }
  for (const m of methods) {
    if (!schema.operations.includes(m.name)) problems.push(`RPC ${m.name}: no operation ${m.name} in the schema`);
  }
  if (problems.length > 0) throw new ContractMismatchError(problems.join("\n"));
  return out;
}

/** Pairs a complex element with a message descriptor; throws ContractMismatchError on any difference. */
export function bindMessage(decl: ElementDecl, desc: DescMessage): MessageBinding {
  if (decl.type.kind !== "complex") throw new ContractMismatchError(`${decl.name}: not a complex type`);
  return bindComplex(decl.type, desc, decl.name);
}

function bindComplex(type: ComplexType, desc: DescMessage, path: string): MessageBinding {
  const problems: string[] = [];
  const fields: FieldBinding[] = [];
  for (const decl of type.elements) {
    const where = `${path}/${decl.name}`;
    const field = desc.fields.find((f) => f.jsonName === decl.name);
    if (!field) {
      problems.push(`${where}: no field with JSON name ${decl.name} in ${desc.typeName}`);
      continue;
    }
    const repeated = decl.maxOccurs > 1;
    if (repeated !== (field.fieldKind === "list")) {
      problems.push(`${where}: maxOccurs=${decl.maxOccurs} but the field is ${field.fieldKind === "list" ? "" : "not "}repeated`);
      continue;
    }
    if (!repeated && decl.minOccurs === 0 && field.presence === FeatureSet_FieldPresence.IMPLICIT) {
      problems.push(`${where}: minOccurs=0 but the field has no presence (make it proto3 optional)`);
    }
    const converter = collect(problems, () => converterFor(decl, field, where));
    if (converter) fields.push({ decl, field, converter });
  }
  for (const f of desc.fields) {
    if (!type.elements.some((d) => d.name === f.jsonName)) problems.push(`${path}: field ${f.name} has no XSD element`);
  }
  if (problems.length > 0) throw new ContractMismatchError(problems.join("\n"));
  return { desc, type, fields };
}

function converterFor(decl: ElementDecl, field: DescField, where: string): Converter {
  const type = decl.type;
  const { scalar, enumDesc, message } = elementTypeOf(field);
  const mismatch = (expected: string) =>
    new ContractMismatchError(`${where}: XSD type ${describeType(decl)} needs a ${expected} field, ${field.name} is not one`);
  if (type.kind === "complex") {
    if (!message) throw mismatch("message");
    return { kind: "message", binding: bindComplex(type, message, where) };
  }
  if (type.kind === "enum") {
    if (!enumDesc) throw mismatch(`enum ${type.name}`);
    return enumConverter(type, enumDesc, where);
  }
  switch (type.name) {
    case "string":
      if (scalar !== ScalarType.STRING) throw mismatch("string");
      return { kind: "string" };
    case "boolean":
      if (scalar !== ScalarType.BOOL) throw mismatch("bool");
      return { kind: "bool" };
    case "dateTime":
      if (message?.typeName !== TimestampSchema.typeName) throw mismatch("google.protobuf.Timestamp");
      return { kind: "timestamp" };
    case "long":
    case "integer":
    case "int": {
      const range = scalar === undefined ? undefined : integerRange(scalar);
      if (!range) throw mismatch("integer");
      if (type.name === "long" && range.bits !== 64) throw mismatch("64-bit integer");
      return { kind: "int", min: range.min, max: range.max, bigint: range.bits === 64 };
    }
  }
}

/** The type of a singular field or of the items of a list field. */
function elementTypeOf(field: DescField): { scalar?: ScalarType; enumDesc?: DescEnum; message?: DescMessage } {
  switch (field.fieldKind) {
    case "scalar":
      return { scalar: field.scalar };
    case "enum":
      return { enumDesc: field.enum };
    case "message":
      return { message: field.message };
    case "list":
      if (field.listKind === "scalar") return { scalar: field.scalar };
      if (field.listKind === "enum") return { enumDesc: field.enum };
      return { message: field.message };
    case "map":
      return {};
  }
}

function integerRange(s: ScalarType): { min: bigint; max: bigint; bits: 32 | 64 } | undefined {
  switch (s) {
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { ...INT64, bits: 64 };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { ...UINT64, bits: 64 };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { ...INT32, bits: 32 };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { ...UINT32, bits: 32 };
    default:
      return undefined;
  }
}

/** XSD value V of type FooBar ⇔ proto value FOO_BAR_V; FOO_BAR_UNSPECIFIED (0) means "absent". */
function enumConverter(type: EnumType, desc: DescEnum, where: string): Converter {
  const prefix = `${type.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_`;
  const toProto = new Map<string, number>();
  const fromProto = new Map<number, string>();
  for (const v of type.values) {
    const pv = desc.values.find((x) => x.name === prefix + v);
    if (!pv) throw new ContractMismatchError(`${where}: enum ${desc.typeName} has no value ${prefix}${v}`);
    if (pv.number === 0) throw new ContractMismatchError(`${where}: ${pv.name} must not be the zero value`);
    toProto.set(v, pv.number);
    fromProto.set(pv.number, v);
  }
  for (const pv of desc.values) {
    if (pv.number !== 0 && !fromProto.has(pv.number)) {
      throw new ContractMismatchError(`${where}: enum value ${pv.name} has no XSD counterpart in ${type.name}`);
    }
  }
  return { kind: "enum", toProto, fromProto };
}

function describeType(decl: ElementDecl): string {
  return decl.type.kind === "builtin" ? `xs:${decl.type.name}` : (decl.type.name ?? "(anonymous complex)");
}

function collect<T>(problems: string[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ContractMismatchError) {
      problems.push(err.message);
      return undefined;
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SOAP → proto

export interface SoapRequestMessage {
  readonly message: Message;
  /** Protocol versions (e.g. "3.1") whose optional elements the request used. */
  readonly laterProtocols: ReadonlySet<string>;
}

/** Decodes and validates a request payload element, then builds the proto request. Throws XsdInputError. */
export function fromSoapRequest(op: OperationBinding, payload: XmlElement): SoapRequestMessage {
  const decoded = decodeElement(op.requestDecl, payload, op.targetNamespace);
  return { message: fromSoapRecord(op.request, decoded.value), laterProtocols: new Set(decoded.laterProtocolElements) };
}

/** Builds a proto message from decoded XSD values. */
export function fromSoapRecord(binding: MessageBinding, record: XsdRecord): Message {
  return buildMessage(binding, record, binding.type.name ?? binding.desc.name).message;
}

function buildMessage(binding: MessageBinding, record: XsdRecord, path: string): ReflectMessage {
  const r = reflect(binding.desc);
  for (const fb of binding.fields) {
    const value = record[fb.decl.name];
    if (value === undefined) continue;
    const where = `${path}/${fb.decl.name}`;
    if (fb.field.fieldKind === "list") {
      const list = r.get(fb.field) as ReflectList;
      for (const item of value as readonly XsdItem[]) list.add(toProtoValue(fb.converter, item, where));
    } else {
      r.set(fb.field, toProtoValue(fb.converter, value as XsdItem, where));
    }
  }
  return r;
}

function toProtoValue(c: Converter, item: XsdItem, where: string): unknown {
  switch (c.kind) {
    case "string":
    case "bool":
      return item;
    case "int": {
      const v = item as bigint;
      if (v < c.min || v > c.max) throw new XsdInputError(`${where}: ${v} is out of range (${c.min}…${c.max})`);
      return c.bigint ? v : Number(v);
    }
    case "enum":
      return c.toProto.get(item as string);
    case "timestamp": {
      const t = item as XsdDateTime;
      return reflect(TimestampSchema, create(TimestampSchema, { seconds: t.seconds, nanos: t.nanos }));
    }
    case "message":
      return buildMessage(c.binding, item as XsdRecord, where);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// proto → SOAP

export interface ToSoapOptions {
  /** Later-protocol elements (ext:since) to write; the others are left out so 3.0 clients get 3.0 XML. */
  readonly laterProtocols: ReadonlySet<string>;
  /** Namespace prefix of the payload; "ns2" by default, as JAXB wrote it. */
  readonly prefix?: string;
}

/** Serializes a proto response as the response payload element. Throws ResponseMappingError. */
export function toSoapResponse(op: OperationBinding, message: Message, options: ToSoapOptions): string {
  try {
    const record = toSoapRecord(op.response, message);
    return encodeElement(op.responseDecl, record, op.targetNamespace, {
      prefix: options.prefix ?? "ns2",
      laterProtocols: options.laterProtocols,
    });
  } catch (err) {
    if (err instanceof XsdOutputError) throw new ResponseMappingError(err.message, { cause: err });
    throw err;
  }
}

/** Reads a proto message into XSD values: unset optional fields are absent, UNSPECIFIED enums are absent. */
export function toSoapRecord(binding: MessageBinding, message: Message): XsdRecord {
  if (message.$typeName !== binding.desc.typeName) {
    throw new XsdOutputError(`expected ${binding.desc.typeName}, got ${message.$typeName}`);
  }
  return readMessage(binding, reflect(binding.desc, message), binding.type.name ?? binding.desc.name);
}

function readMessage(binding: MessageBinding, r: ReflectMessage, path: string): XsdRecord {
  const out: Record<string, XsdItem | XsdItem[]> = Object.create(null);
  for (const fb of binding.fields) {
    const where = `${path}/${fb.decl.name}`;
    if (fb.field.fieldKind === "list") {
      const items: XsdItem[] = [];
      for (const v of r.get(fb.field) as ReflectList) {
        const item = fromProtoValue(fb.converter, v, where);
        if (item === undefined) throw new XsdOutputError(`${where}: list item has no XSD value`);
        items.push(item);
      }
      if (items.length > 0) out[fb.decl.name] = items;
      continue;
    }
    const explicit = fb.field.presence !== FeatureSet_FieldPresence.IMPLICIT;
    if (explicit && !r.isSet(fb.field)) continue;
    const item = fromProtoValue(fb.converter, r.get(fb.field), where);
    if (item !== undefined) out[fb.decl.name] = item;
  }
  return out;
}

function fromProtoValue(c: Converter, v: unknown, where: string): XsdItem | undefined {
  switch (c.kind) {
    case "string":
    case "bool":
      return v as XsdSimpleValue;
    case "int":
      return BigInt(v as bigint | number | string);
    case "enum": {
      const n = v as number;
      if (n === 0) return undefined;
      const literal = c.fromProto.get(n);
      if (literal === undefined) throw new XsdOutputError(`${where}: unknown enum number ${n}`);
      return literal;
    }
    case "timestamp": {
      const m = (v as ReflectMessage).message;
      if (!isMessage(m, TimestampSchema)) throw new XsdOutputError(`${where}: expected a Timestamp`);
      if (m.nanos < 0 || m.nanos > 999_999_999) throw new XsdOutputError(`${where}: Timestamp nanos out of range`);
      return { seconds: m.seconds, nanos: m.nanos };
    }
    case "message":
      return readMessage(c.binding, v as ReflectMessage, where);
  }
}
