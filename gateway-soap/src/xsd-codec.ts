// XML ⇄ XSD values, driven by the schema model: decodeElement validates an element against its declaration
// (sequence order, occurrences, namespaces, lexical forms) and returns plain typed values; encodeElement writes
// such values back as XML in sequence order. Proto knows nothing of this layer; mapping.ts joins the two.

import { childElements, directText, escapeText, isWhitespace, isXmlSafe, XML_NS } from "./xml.ts";
import type { XmlElement } from "./xml.ts";
import type { BuiltinTypeName, ComplexType, ElementDecl, SimpleType } from "./xsd-model.ts";

/** An xs:dateTime as a UTC instant, the way google.protobuf.Timestamp holds it. */
export interface XsdDateTime {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** xs:string and enumerations → string, xs:long/int/integer → bigint, xs:boolean → boolean. */
export type XsdSimpleValue = string | bigint | boolean | XsdDateTime;
export type XsdItem = XsdSimpleValue | XsdRecord;
/** The content of a complex element: single elements by name, repeated elements (maxOccurs > 1) as arrays. */
export interface XsdRecord {
  readonly [element: string]: XsdItem | readonly XsdItem[] | undefined;
}

/** A request element does not match the schema: the client's fault. */
export class XsdInputError extends Error {
  override readonly name = "XsdInputError";
}

/** A value cannot be written as schema-valid XML: the server's fault (the core answered something unexpected). */
export class XsdOutputError extends Error {
  override readonly name = "XsdOutputError";
}

export interface DecodeResult {
  readonly value: XsdRecord;
  /** Protocol versions (ext:since) of the optional later-protocol elements the request contained. */
  readonly laterProtocolElements: readonly string[];
}

const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
/** google.protobuf.Timestamp range: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999999Z. */
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

/**
 * Decodes a complex element (a request payload) against its declaration. Throws XsdInputError naming the
 * element path for every deviation from the schema.
 */
export function decodeElement(decl: ElementDecl, el: XmlElement, targetNamespace: string): DecodeResult {
  if (decl.type.kind !== "complex") throw new XsdInputError(`${decl.name} is not a complex element`);
  if (el.ns !== targetNamespace || el.local !== decl.name) {
    throw new XsdInputError(`expected element {${targetNamespace}}${decl.name}, found {${el.ns}}${el.local}`);
  }
  const later = new Set<string>();
  if (decl.since) later.add(decl.since);
  const value = decodeComplex(decl.type, el, { targetNamespace, later }, decl.name);
  return { value, laterProtocolElements: [...later] };
}

interface DecodeContext {
  readonly targetNamespace: string;
  readonly later: Set<string>;
}

function decodeComplex(type: ComplexType, el: XmlElement, ctx: DecodeContext, path: string): XsdRecord {
  checkAttributes(el, path);
  if (!isWhitespace(directText(el))) throw new XsdInputError(`${path}: text is not allowed here, only child elements`);
  const decls = type.elements;
  const counts = new Array<number>(decls.length).fill(0);
  const out: Record<string, XsdItem | XsdItem[]> = Object.create(null);
  let index = 0;
  for (const child of childElements(el)) {
    const childPath = `${path}/${child.local}`;
    if (child.ns !== ctx.targetNamespace) {
      const known = decls.some((d) => d.name === child.local);
      throw new XsdInputError(
        known
          ? `${childPath}: element must be in namespace ${ctx.targetNamespace}${child.ns ? `, not ${child.ns}` : " (it is unqualified)"}`
          : `${childPath}: unknown element {${child.ns}}${child.local}`,
      );
    }
    const target = decls.findIndex((d, k) => k >= index && d.name === child.local);
    if (target < 0) {
      const known = decls.some((d) => d.name === child.local);
      throw new XsdInputError(
        known
          ? `${childPath}: element is out of order or repeated; expected order: ${decls.map((d) => d.name).join(", ")}`
          : `${childPath}: unknown element; allowed here: ${decls.map((d) => d.name).join(", ") || "nothing"}`,
      );
    }
    for (; index < target; index++) {
      if (counts[index] < decls[index].minOccurs) {
        throw new XsdInputError(`${path}: missing required element ${decls[index].name} (found ${child.local} instead)`);
      }
    }
    const decl = decls[index];
    counts[index]++;
    if (counts[index] > decl.maxOccurs) {
      throw new XsdInputError(`${childPath}: element may occur at most ${decl.maxOccurs} time(s)`);
    }
    if (decl.since) ctx.later.add(decl.since);
    const item: XsdItem =
      decl.type.kind === "complex" ? decodeComplex(decl.type, child, ctx, childPath) : decodeSimpleElement(decl.type, child, childPath);
    if (decl.maxOccurs > 1) {
      const list = out[decl.name];
      if (Array.isArray(list)) list.push(item);
      else out[decl.name] = [item];
    } else {
      out[decl.name] = item;
    }
  }
  for (; index < decls.length; index++) {
    if (counts[index] < decls[index].minOccurs) throw new XsdInputError(`${path}: missing required element ${decls[index].name}`);
  }
  return out;
}

function checkAttributes(el: XmlElement, path: string): void {
  for (const a of el.attributes) {
    if (a.ns === XSI_NS && a.local === "nil") throw new XsdInputError(`${path}: xsi:nil is not allowed, the element is not nillable`);
    if (a.ns === XSI_NS && a.local === "type") throw new XsdInputError(`${path}: xsi:type is not supported`);
    if (a.ns === XSI_NS || a.ns === XML_NS) continue;
    throw new XsdInputError(`${path}: unexpected attribute ${a.ns ? `{${a.ns}}` : ""}${a.local}`);
  }
}

function decodeSimpleElement(type: SimpleType, el: XmlElement, path: string): XsdSimpleValue {
  checkAttributes(el, path);
  if (childElements(el).length > 0) throw new XsdInputError(`${path}: child elements are not allowed in a simple value`);
  return parseSimple(type, directText(el), path);
}

/** Parses the lexical form of a simple type strictly (XML Schema 1.0 Part 2 lexical spaces). */
export function parseSimple(type: SimpleType, text: string, path: string): XsdSimpleValue {
  if (type.kind === "enum") {
    if (!type.values.includes(text)) {
      throw new XsdInputError(`${path}: "${clip(text)}" is not a valid ${type.name} (allowed: ${type.values.join(", ")})`);
    }
    return text;
  }
  switch (type.name) {
    case "string":
      return text;
    case "boolean":
      return parseBoolean(text, path);
    case "long":
      return parseInteger(text, path, "xs:long", INT64_MIN, INT64_MAX);
    case "int":
      return parseInteger(text, path, "xs:int", INT32_MIN, INT32_MAX);
    case "integer":
      return parseInteger(text, path, "xs:integer", undefined, undefined);
    case "dateTime":
      return parseDateTime(text, path);
  }
}

/** Whitespace facet "collapse" for the non-string built-ins: leading and trailing XML whitespace is ignored. */
function collapse(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
}

function parseBoolean(text: string, path: string): boolean {
  const t = collapse(text);
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  throw new XsdInputError(`${path}: "${clip(text)}" is not a valid xs:boolean (true, false, 1 or 0)`);
}

function parseInteger(text: string, path: string, typeName: string, min: bigint | undefined, max: bigint | undefined): bigint {
  const t = collapse(text);
  if (!/^[+-]?[0-9]+$/.test(t) || t.length > 1000) throw new XsdInputError(`${path}: "${clip(text)}" is not a valid ${typeName}`);
  const v = BigInt(t);
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    throw new XsdInputError(`${path}: ${clip(t)} is out of range for ${typeName}`);
  }
  return v;
}

const DATE_TIME =
  /^(-?)([0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

/**
 * Parses xs:dateTime into a UTC instant. A value without a time zone is taken as UTC. Fractions beyond
 * nanoseconds are truncated. Years outside 0001–9999 (the range of google.protobuf.Timestamp) are rejected.
 */
export function parseDateTime(text: string, path: string): XsdDateTime {
  const t = collapse(text);
  const m = DATE_TIME.exec(t);
  const invalid = () => new XsdInputError(`${path}: "${clip(text)}" is not a valid xs:dateTime (e.g. 2020-05-01T12:34:56.789+02:00)`);
  if (!m) throw invalid();
  const [, sign, yearText, monthText, dayText, hourText, minuteText, secondText, fraction = "", zone] = m;
  if (yearText.length > 4 && yearText.startsWith("0")) throw invalid();
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  const fracNanos = Number(fraction.slice(0, 9).padEnd(9, "0"));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalid();
  const endOfDay = hour === 24 && minute === 0 && second === 0 && /^0*$/.test(fraction);
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) throw invalid();
  let offsetMinutes = 0;
  if (zone && zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (om > 59 || oh > 14 || (oh === 14 && om > 0)) throw invalid();
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  if (sign === "-" || year < 1 || year > 9999) {
    throw new XsdInputError(`${path}: ${clip(t)} is outside the supported years 0001–9999`);
  }
  const days = BigInt(daysFromCivil(year, month, day));
  const seconds = days * 86_400n + BigInt(hour * 3600 + minute * 60 + second) - BigInt(offsetMinutes * 60);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new XsdInputError(`${path}: ${clip(t)} is outside the supported years 0001–9999`);
  }
  return { seconds, nanos: fracNanos };
}

/** Formats an instant as xs:dateTime in UTC with milliseconds, e.g. 2020-05-01T10:34:56.789Z. */
export function formatDateTime(v: XsdDateTime): string {
  const days = floorDiv(v.seconds, 86_400n);
  const secOfDay = Number(v.seconds - days * 86_400n);
  const [y, mo, d] = civilFromDays(Number(days));
  const hh = Math.floor(secOfDay / 3600);
  const mi = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  const ms = Math.floor(v.nanos / 1_000_000);
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mi, 2)}:${pad(ss, 2)}.${pad(ms, 3)}Z`;
}

export interface EncodeOptions {
  /** Namespace prefix for the payload elements; declared on the outermost element. */
  readonly prefix: string;
  /** Versions (ext:since) whose optional elements may be written; elements of other later versions are left out. */
  readonly laterProtocols: ReadonlySet<string>;
}

/**
 * Writes a complex element and its content in sequence order, qualified with `prefix`. Throws XsdOutputError
 * when the value does not satisfy the declaration (a required element is missing, an enum value is unknown,
 * a string holds characters XML cannot carry, …).
 */
export function encodeElement(decl: ElementDecl, value: XsdRecord, targetNamespace: string, options: EncodeOptions): string {
  if (decl.type.kind !== "complex") throw new XsdOutputError(`${decl.name} is not a complex element`);
  const out: string[] = [];
  const p = options.prefix;
  out.push(`<${p}:${decl.name} xmlns:${p}="${targetNamespace}"`);
  encodeContent(decl.type, value, options, decl.name, out, `${p}:${decl.name}`);
  return out.join("");
}

function encodeContent(type: ComplexType, value: XsdRecord, options: EncodeOptions, path: string, out: string[], qname: string): void {
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !type.elements.some((d) => d.name === key)) {
      throw new XsdOutputError(`${path}: ${key} is not an element of this type`);
    }
  }
  const start = out.length;
  out.push(">");
  for (const decl of type.elements) {
    const raw = value[decl.name];
    const omitted = decl.since !== undefined && !options.laterProtocols.has(decl.since);
    const items: readonly XsdItem[] = omitted || raw === undefined ? [] : Array.isArray(raw) ? raw : [raw as XsdItem];
    if (items.length < decl.minOccurs) throw new XsdOutputError(`${path}: required element ${decl.name} is missing`);
    if (items.length > decl.maxOccurs) throw new XsdOutputError(`${path}: ${decl.name} may occur at most ${decl.maxOccurs} time(s)`);
    const childQName = `${options.prefix}:${decl.name}`;
    for (const item of items) {
      const childPath = `${path}/${decl.name}`;
      if (decl.type.kind === "complex") {
        if (!isRecord(item)) throw new XsdOutputError(`${childPath}: expected a complex value`);
        out.push(`<${childQName}`);
        encodeContent(decl.type, item, options, childPath, out, childQName);
      } else {
        out.push(`<${childQName}>${escapeText(formatSimple(decl.type, item, childPath))}</${childQName}>`);
      }
    }
  }
  if (out.length === start + 1) out[start] = "/>";
  else out.push(`</${qname}>`);
}

/** Writes the canonical lexical form of a simple value; validates it against the type. */
export function formatSimple(type: SimpleType, item: XsdItem, path: string): string {
  if (type.kind === "enum") {
    if (typeof item !== "string" || !type.values.includes(item)) {
      throw new XsdOutputError(`${path}: ${describe(item)} is not a value of ${type.name}`);
    }
    return item;
  }
  const fail = (): never => {
    throw new XsdOutputError(`${path}: ${describe(item)} is not a valid xs:${type.name}`);
  };
  switch (type.name as BuiltinTypeName) {
    case "string":
      if (typeof item !== "string") return fail();
      if (!isXmlSafe(item)) throw new XsdOutputError(`${path}: the string contains characters that XML 1.0 cannot carry`);
      return item;
    case "boolean":
      return typeof item === "boolean" ? String(item) : fail();
    case "long":
      return typeof item === "bigint" && item >= INT64_MIN && item <= INT64_MAX ? item.toString() : fail();
    case "int":
      return typeof item === "bigint" && item >= INT32_MIN && item <= INT32_MAX ? item.toString() : fail();
    case "integer":
      return typeof item === "bigint" ? item.toString() : fail();
    case "dateTime":
      if (!isDateTime(item) || item.seconds < MIN_SECONDS || item.seconds > MAX_SECONDS) return fail();
      return formatDateTime(item as XsdDateTime);
  }
}

function isRecord(item: XsdItem): item is XsdRecord {
  return typeof item === "object" && item !== null && !isDateTime(item);
}

function isDateTime(item: XsdItem): item is XsdDateTime {
  return (
    typeof item === "object" &&
    item !== null &&
    typeof (item as { seconds?: unknown }).seconds === "bigint" &&
    typeof (item as { nanos?: unknown }).nanos === "number" &&
    Object.keys(item).length === 2
  );
}

function describe(item: XsdItem): string {
  if (typeof item === "string") return `"${clip(item)}"`;
  if (typeof item === "bigint" || typeof item === "boolean") return String(item);
  return "a complex value";
}

/** Keeps client-supplied text in fault strings short. */
function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// Proleptic Gregorian day arithmetic (H. Hinnant's days_from_civil / civil_from_days); exact for every year of
// the Timestamp range, unlike Date.UTC, which maps years 0–99 to 1900–1999.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
