import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { XMLParser } from "fast-xml-parser";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchema } from "../gateway-soap/src/xsd-model.ts";
import type { ComplexType, ElementDecl, SchemaModel } from "../gateway-soap/src/xsd-model.ts";
import { activateDevice, createTestApplication } from "./support/powerauth-flows.ts";
import { fuzzBatches, fuzzSeeds, hostileString, INVALID_UTF8, leaksInternals } from "./support/fuzz.ts";
import { startStack } from "./support/stack.ts";
import type { Stack } from "./support/stack.ts";

// The SOAP gateway (with the core behind it) under generated and known-hostile XML: requests of every operation
// of both namespaces built from the served schemas with hostile values, shuffled or foreign elements, hostile
// WS-Security headers, and whole documents that attack XML parsers (DTDs, entity bombs, external entities,
// deep nesting, bad encodings). Each must be answered by a SOAP fault the caller can act on — a Client fault, or
// a Server fault carrying an errorCode — never "Unknown error occurred.", a reset or a stack; both processes
// must serve a normal call after every batch.

const BATCH = 20;
/** Batches per seed; two seeds, so 2 × 75 × 20 = 3,000 documents. */
const RUNS = 75;
const ANSWER_WITHIN_MS = 10_000;

const NAMESPACES = { v3: "http://getlime.io/security/powerauth/v3", v2: "http://getlime.io/security/powerauth/v2" } as const;
const SOAP_11 = "http://schemas.xmlsoap.org/soap/envelope/";
const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const xsd = (file: string) => readFileSync(new URL(`../gateway-soap/xsd/${file}`, import.meta.url), "utf8");
const MODELS: { namespace: string; model: SchemaModel }[] = [
  { namespace: NAMESPACES.v3, model: parseSchema(xsd("PowerAuth-3.0.xsd")) },
  { namespace: NAMESPACES.v2, model: parseSchema(xsd("PowerAuth-2.0.xsd")) },
];

let stack: Stack;
let strings: fc.Arbitrary<string>;

beforeAll(async () => {
  stack = await startStack({ POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS: "0" });
  const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: stack.coreUrl }));
  const app = await createTestApplication(v3, "fuzz-soap-app");
  const { activationId, userId } = await activateDevice(v3, app);
  strings = hostileString([activationId, userId, app.applicationKey, app.masterPublicKey, String(app.applicationId)]);
});

afterAll(async () => {
  await stack?.stop();
});

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Text of a simple element: the type's own edge values or any hostile string, escaped, or as a character reference XML forbids. */
function simpleText(decl: ElementDecl): fc.Arbitrary<string> {
  const type = decl.type;
  const typed =
    type.kind === "enum"
      ? fc.constantFrom(...type.values)
      : type.kind === "builtin" && (type.name === "long" || type.name === "int" || type.name === "integer")
        ? fc.constantFrom("0", "1", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e3", "0x10", " 7 ", "١٢")
        : type.kind === "builtin" && type.name === "boolean"
          ? fc.constantFrom("true", "false", "1", "0", "TRUE", "yes")
          : type.kind === "builtin" && type.name === "dateTime"
            ? fc.constantFrom("2024-02-30T25:61:61Z", "0000-00-00T00:00:00", "+275760-09-13T00:00:00Z", new Date().toISOString())
            : fc.constant("");
  return fc.oneof(
    { weight: 2, arbitrary: typed },
    { weight: 3, arbitrary: strings.map(escapeXml) },
    { weight: 1, arbitrary: fc.constantFrom("&#0;", "&#x1;", "&#xFFFE;", "&#xD800;", "&undefined;", "<![CDATA[<x/>]]>", "&#1114112;") },
  );
}

/** The children of a complex type in schema order, each present or not, repeated, with hostile content. */
function childrenOf(type: ComplexType, depth: number): fc.Arbitrary<string> {
  if (depth > 4) return fc.constant("");
  const parts = type.elements.map((decl) => {
    const one = decl.type.kind === "complex" ? childrenOf(decl.type, depth + 1) : simpleText(decl);
    const maxCount = Math.min(decl.maxOccurs, 3);
    return fc.array(one, { maxLength: maxCount }).map((values) => values.map((value) => `<pa:${decl.name}>${value}</pa:${decl.name}>`).join(""));
  });
  return fc.tuple(...parts).map((rendered) => rendered.join(""));
}

/** A request payload: schema-shaped most of the time, else with elements reordered, foreign or misnamed. */
function payloads(): fc.Arbitrary<{ operation: string; namespace: string; xml: string }> {
  return fc
    .constantFrom(...MODELS.flatMap(({ namespace, model }) => model.operations.map((operation) => ({ namespace, model, operation }))))
    .chain(({ namespace, model, operation }) => {
      const decl = model.elements.get(`${operation}Request`);
      const children = decl?.type.kind === "complex" ? childrenOf(decl.type, 0) : fc.constant("");
      const mutated = fc.tuple(children, fc.constantFrom("<pa:unknownElement>x</pa:unknownElement>", "<other:x xmlns:other=\"urn:x\"/>", "<pa:activationId/>", "text outside elements", "<pa:a b=\"1\" b=\"2\"/>"));
      return fc.oneof(
        { weight: 6, arbitrary: children },
        { weight: 2, arbitrary: mutated.map(([xml, extra]) => `${extra}${xml}`) },
        { weight: 1, arbitrary: mutated.map(([xml, extra]) => `${xml}${extra}`) },
      ).map((xml) => ({ operation, namespace, xml: `<pa:${operation}Request>${xml}</pa:${operation}Request>` }));
    });
}

/** WS-Security headers from none to hostile: long, NUL, non-text, unknown token types, mustUnderstand headers nobody knows. */
function headers(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant("") },
    {
      weight: 2,
      arbitrary: fc.tuple(strings, strings).map(
        ([user, password]) =>
          `<soapenv:Header><wsse:Security xmlns:wsse="${WSSE}" soapenv:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>${escapeXml(user)}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${escapeXml(password)}</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>`,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `<soapenv:Header><x:Unknown xmlns:x="urn:x" soapenv:mustUnderstand="1"/></soapenv:Header>`,
        `<soapenv:Header><wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>u</wsse:Username><wsse:Password Type="#PasswordDigest">p</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>`,
        `<soapenv:Header><wsse:Security xmlns:wsse="${WSSE}"><wsse:BinarySecurityToken>AAAA</wsse:BinarySecurityToken></wsse:Security></soapenv:Header>`,
        `<soapenv:Header><wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${"u".repeat(60_000)}</wsse:Username></wsse:UsernameToken></wsse:Security></soapenv:Header>`,
      ),
    },
  );
}

function envelope(header: string, body: string, namespace: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_11}" xmlns:pa="${namespace}">${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

const BODY_OF_GET_STATUS = `<pa:GetSystemStatusRequest/>`;

/** Whole documents aimed at the XML parser rather than at one field. */
const HOSTILE_DOCUMENTS: readonly (string | Buffer)[] = [
  // Billion laughs: ten levels of ten references.
  `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("")}]><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body><pa:GetSystemStatusRequest xmlns:pa="${NAMESPACES.v3}">&lol9;</pa:GetSystemStatusRequest></soapenv:Body></soapenv:Envelope>`,
  // External entities: a local file and a URL.
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body><pa:GetActivationStatusRequest xmlns:pa="${NAMESPACES.v3}"><pa:activationId>&xxe;</pa:activationId></pa:GetActivationStatusRequest></soapenv:Body></soapenv:Envelope>`,
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body/></soapenv:Envelope>`,
  `<?xml version="1.0"?><!DOCTYPE soapenv:Envelope SYSTEM "http://127.0.0.1:1/x.dtd"><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body/></soapenv:Envelope>`,
  // A harmless-looking internal DTD is still a DTD.
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body>${BODY_OF_GET_STATUS.replace("/>", ` xmlns:pa="${NAMESPACES.v3}"/>`)}</soapenv:Body></soapenv:Envelope>`,
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/></soapenv:Body></soapenv:Envelope>`,
  // Deep nesting inside the payload and around it.
  envelope("", `<pa:GetSystemStatusRequest>${"<pa:x>".repeat(50_000)}${"</pa:x>".repeat(50_000)}</pa:GetSystemStatusRequest>`, NAMESPACES.v3),
  envelope("", `${"<a>".repeat(100_000)}`, NAMESPACES.v3),
  // 100,000 attributes, a 500,000-character element name, many namespace declarations.
  envelope("", `<pa:GetSystemStatusRequest ${Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(" ")}/>`, NAMESPACES.v3),
  envelope("", `<pa:${"x".repeat(500_000)}/>`, NAMESPACES.v3),
  envelope("", `<pa:GetSystemStatusRequest ${Array.from({ length: 20_000 }, (_, i) => `xmlns:n${i}="urn:${i}"`).join(" ")}/>`, NAMESPACES.v3),
  // Not XML, not SOAP 1.1, not UTF-8, not one document.
  "",
  "not xml at all",
  "<",
  `<?xml version="1.0"?>`,
  `<soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Body>${BODY_OF_GET_STATUS}</soapenv:Body></soapenv:Envelope>`,
  `<soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body/></soapenv:Envelope>`,
  `<soapenv:Envelope xmlns:soapenv="${SOAP_11}"/>`,
  `<soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body>${BODY_OF_GET_STATUS}${BODY_OF_GET_STATUS}</soapenv:Body></soapenv:Envelope>`,
  envelope("", BODY_OF_GET_STATUS, NAMESPACES.v3) + envelope("", BODY_OF_GET_STATUS, NAMESPACES.v3),
  envelope("", BODY_OF_GET_STATUS, NAMESPACES.v3).replace('encoding="UTF-8"', 'encoding="UTF-16"'),
  envelope("", BODY_OF_GET_STATUS, NAMESPACES.v3).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
  `<?xml version="1.0"?><?evil instruction?><!-- comment --><soapenv:Envelope xmlns:soapenv="${SOAP_11}"><soapenv:Body><![CDATA[<pa:GetSystemStatusRequest/>]]></soapenv:Body></soapenv:Envelope>`,
  `\uFEFF${envelope("", BODY_OF_GET_STATUS, NAMESPACES.v3)}`,
  Buffer.from([0xfe, 0xff, 0x00, 0x3c]),
  ...INVALID_UTF8.map((bad) => {
    const text = envelope("", `<pa:GetActivationStatusRequest><pa:activationId>X</pa:activationId></pa:GetActivationStatusRequest>`, NAMESPACES.v3);
    const at = text.indexOf(">X<") + 1;
    return Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at + 1))]);
  }),
  envelope("", `<pa:GetActivationStatusRequest><pa:activationId>${"A".repeat(2 * 1024 * 1024)}</pa:activationId></pa:GetActivationStatusRequest>`, NAMESPACES.v3),
];

function documents(): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(headers(), payloads()).map(([header, payload]) => Buffer.from(envelope(header, payload.xml, payload.namespace))) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_DOCUMENTS).map((doc) => (typeof doc === "string" ? Buffer.from(doc) : doc)) },
  );
}

const contentTypes = fc.constantFrom("text/xml; charset=utf-8", "text/xml; charset=utf-8", "text/xml", "application/soap+xml", "text/xml; charset=iso-8859-1", "application/json");

const faultParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, processEntities: false });

/** What is wrong with a SOAP answer, or undefined when it is a response or a fault the caller can act on. */
function soapProblem(status: number, text: string): string | undefined {
  if (leaksInternals(text)) return `leaks internals: ${text.slice(0, 300)}`;
  if (![200, 413, 500].includes(status)) return `HTTP ${status}: ${text.slice(0, 300)}`;
  let parsed: { Envelope?: { Body?: Record<string, unknown> } };
  try {
    parsed = faultParser.parse(text) as typeof parsed;
  } catch {
    return `HTTP ${status} without a SOAP envelope: ${text.slice(0, 300)}`;
  }
  const body = parsed.Envelope?.Body;
  if (!body || typeof body !== "object") return `HTTP ${status} without a SOAP body: ${text.slice(0, 300)}`;
  if (status === 200) return "Fault" in body ? `HTTP 200 with a fault: ${text.slice(0, 300)}` : undefined;
  const fault = body.Fault as { faultcode?: unknown; faultstring?: unknown; detail?: { errorCode?: unknown } } | undefined;
  if (!fault) return `HTTP ${status} without a fault: ${text.slice(0, 300)}`;
  const faultcode = String(fault.faultcode ?? "");
  const faultstring = String(fault.faultstring ?? "");
  if (/Unknown error/i.test(faultstring)) return `"${faultstring}" for bad input: ${text.slice(0, 300)}`;
  if (/:(Client|VersionMismatch|MustUnderstand)$/.test(faultcode)) return undefined;
  if (!/:Server$/.test(faultcode)) return `faultcode ${faultcode}: ${text.slice(0, 300)}`;
  if (/is not implemented yet|overloaded, try again later/.test(faultstring)) return undefined;
  const errorCode = fault.detail?.errorCode;
  if (typeof errorCode !== "string" || errorCode === "ERR0000") return `Server fault without a PowerAuth errorCode: ${text.slice(0, 300)}`;
  return undefined;
}

async function post(document: Buffer, contentType: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(stack.soapUrl, {
      method: "POST",
      headers: { "content-type": contentType, soapaction: '""' },
      body: document,
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
  } catch (error) {
    return `no answer (reset or timeout): ${String(error)}`;
  }
  return soapProblem(response.status, await response.text());
}

/**
 * Both processes run and a normal SOAP call goes through the gateway to the core and back (its answer is not
 * checked against the XSD here: that is the scenario tests' job, and it would double this suite's time).
 */
async function expectGatewayServing(): Promise<void> {
  expect(stack.soap.process.exitCode, stack.soap.output().slice(-2000)).toBeNull();
  expect(stack.core.process.exitCode, stack.core.output().slice(-2000)).toBeNull();
  const response = await fetch(stack.soapUrl, {
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8" },
    body: envelope("", BODY_OF_GET_STATUS, NAMESPACES.v3),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  expect(await response.text()).toMatch(/<(\w+:)?status>OK<\/(\w+:)?status>/);
}

const seeds = fuzzSeeds("soap");

describe("the SOAP gateway under generated and hostile XML", () => {
  it(`answers ${2 * RUNS * BATCH} documents with a response or a fault the caller can act on, and keeps serving`, { timeout: 90_000 }, async () => {
    const batches = fc.array(fc.record({ document: documents(), contentType: contentTypes }), { minLength: BATCH, maxLength: BATCH });
    await fuzzBatches(seeds, RUNS, batches, async (batch) => {
      const problems = await Promise.all(batch.map(({ document, contentType }) => post(document, contentType)));
      const found = problems.flatMap((problem, i) => (problem === undefined ? [] : [`${preview(batch[i].document)} (${batch[i].contentType}) → ${problem}`]));
      expect(found).toEqual([]);
      await expectGatewayServing();
    });
  });

  it("answers a body over its limit, also sent chunked, with 413 and a Client fault instead of a reset", async () => {
    const big = Buffer.from(envelope("", `<pa:GetSystemStatusRequest>${"<!-- x -->".repeat(1_100_000)}</pa:GetSystemStatusRequest>`, NAMESPACES.v3));
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < big.length; offset += 64 * 1024) controller.enqueue(big.subarray(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    for (const body of [big, chunked]) {
      const response = await fetch(stack.soapUrl, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8" }, body, duplex: "half" } as RequestInit);
      const text = await response.text();
      expect(response.status).toBe(413);
      expect(text).toMatch(/<faultcode>[\w-]+:Client<\/faultcode>/);
    }
    await expectGatewayServing();
  });
});

function preview(document: Buffer): string {
  const head = JSON.stringify(document.subarray(0, 200).toString("utf8"));
  return document.length > 200 ? `${head}… (${document.length} bytes)` : head;
}
