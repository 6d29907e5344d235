import { request } from "node:http";
import type { JsonValue } from "@bufbuild/protobuf";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OBSERVABILITY_PATHS } from "../core/src/observability/http-endpoints.ts";
import { createOpenApiDocument } from "../gateway-rest/src/openapi.ts";
import { anyJson, fuzzBatches, fuzzSeeds, hostileJsonBody, hostileString, leaksInternals } from "./support/fuzz.ts";
import { startStack } from "./support/stack.ts";
import type { Stack } from "./support/stack.ts";

// The Cloud Admin REST gateway (with the core behind it) under generated and known-hostile requests: every
// documented operation with bodies generated from its own schema and then broken (wrong types, prototype keys,
// deep nesting, huge numbers, invalid UTF-8), hostile path segments and query values, wrong methods and content
// types, hostile credentials. Each must be answered with the specification's error envelope and a 4xx status —
// never a 500, ERROR_GENERIC, a reset or a stack — and both processes must serve a normal call after every batch.

const ADMIN = { username: "fuzz-admin", password: "fuzz-admin-password" };
const BATCH = 10;
/** Batches per seed; two seeds, so 2 × 150 × 10 = 3,000 requests. */
const RUNS = 150;
const ANSWER_WITHIN_MS = 10_000;
/** Statuses the gateway may answer a request with; 500 is not among them. */
const CLEAN_STATUSES = new Set([200, 400, 401, 403, 404, 405, 413, 415, 429, 431]);

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; enum?: JsonValue[]; additionalProperties?: Schema | boolean };
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> }; parameters?: { name: string; in: string }[] };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const document = createOpenApiDocument() as unknown as OpenApi;
const OPERATIONS = Object.entries(document.paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ template, method: method.toUpperCase(), operation })),
);

let stack: Stack;
let strings: fc.Arbitrary<string>;

beforeAll(async () => {
  stack = await startStack({ POWERAUTH_ADMIN_USERNAME: ADMIN.username, POWERAUTH_ADMIN_PASSWORD: ADMIN.password });
  // An application that exists, so generated ids sometimes reach the checks behind "not found".
  expect((await rest({ method: "POST", path: "/admin/applications", body: Buffer.from('{"id":"fuzz-rest-app","roles":["R1"]}') })).status).toBe(200);
  strings = hostileString(["fuzz-rest-app", "R1", "fido2_aaguids_allowed", "ACTIVATION_STATUS_CHANGE", "ACTIVATION"]);
});

afterAll(async () => {
  await stack?.stop();
});

/** JSON shaped like `schema` (refs resolved), every leaf from the hostile generators. */
function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<JsonValue> {
  if (schema.$ref) return fromSchema(document.components.schemas[schema.$ref.split("/").at(-1) ?? ""] ?? {}, depth);
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), strings);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (depth > 4) return fc.constant(null);
  switch (type) {
    case "object": {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, fromSchema(property, depth + 1)]));
      return fc.record(properties, { requiredKeys: [] }) as fc.Arbitrary<JsonValue>;
    }
    case "array":
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), { maxLength: 4 });
    case "integer":
    case "number":
      return fc.oneof(fc.constantFrom(0, -1, 1, 255, 256, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, 0.5), fc.integer());
    case "boolean":
      return fc.boolean();
    case "string":
      return strings;
    default:
      return anyJson(2);
  }
}

/** A path segment's bytes percent-encoded one by one (lone surrogates too), or raw broken escapes. */
function pathSegment(): fc.Arbitrary<string> {
  const encoded = strings.map((value) =>
    [...Buffer.from(value, "utf8")].map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, "0")}`)).join(""),
  );
  return fc.oneof({ weight: 6, arbitrary: encoded }, { weight: 1, arbitrary: fc.constantFrom("%", "%ZZ", "%C0%AF", "%ED%A0%80", "..", "%2e%2e", "%2F", "a;b=c", "") });
}

interface RestRequest {
  method: string;
  path: string;
  body?: Buffer;
  contentType?: string;
  authorization?: string;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

const authorizations = fc.oneof(
  { weight: 7, arbitrary: fc.constant(basic(ADMIN.username, ADMIN.password)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "Basic",
      "Basic !!!",
      "Bearer x",
      basic("fuzz-nobody", "wrong-password"),
      basic("fuzz\u0000admin", ADMIN.password),
      basic("a".repeat(5000), "b"),
      `Basic ${Buffer.concat([Buffer.from("fuzz-admin:"), Buffer.from([0xff, 0xfe])]).toString("base64")}`,
      `Basic ${Buffer.from("no-colon").toString("base64")}`,
    ),
  },
);

const contentTypes = fc.constantFrom("application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1");

function requests(): fc.Arbitrary<RestRequest> {
  const documented = fc.constantFrom(...OPERATIONS).chain(({ template, method, operation }) => {
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    const segments = fc.array(pathSegment(), { minLength: names.length, maxLength: names.length });
    const query = (operation.parameters ?? []).filter((parameter) => parameter.in === "query");
    const queryValues = fc.array(pathSegment(), { minLength: query.length, maxLength: query.length });
    const schema = operation.requestBody?.content["application/json"]?.schema;
    const body = schema ? hostileJsonBody(fromSchema(schema), strings).map((bytes): Buffer | undefined => bytes) : fc.constant(undefined);
    return fc.record({ segments, queryValues, body, contentType: contentTypes, authorization: authorizations }).map(({ segments: values, queryValues: qs, body: bytes, contentType, authorization }) => {
      let i = 0;
      const path = template.replace(/\{\w+\}/g, () => values[i++]);
      const search = query.map((parameter, j) => `${parameter.name}=${qs[j]}`).join("&");
      return { method, path: search ? `${path}?${search}` : path, body: bytes, contentType, authorization };
    });
  });
  const offTheMap = fc.record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"),
    path: fc.constantFrom("/admin", "/admin/", "/admin/applications/x/y/z", "/v2/admin/applications//callbacks", "/internal/x", "/admin/%00", `/admin/${"a".repeat(20_000)}`),
    body: fc.constantFrom(undefined, Buffer.from("{}")),
    contentType: contentTypes,
    authorization: authorizations,
  });
  return fc.oneof({ weight: 9, arbitrary: documented }, { weight: 1, arbitrary: offTheMap });
}

type Reply = { status: number; text: string } | { error: string };

function rest(call: RestRequest): Promise<{ status: number; text: string }> {
  return restOrError(call).then((reply) => {
    if ("error" in reply) throw new Error(reply.error);
    return reply;
  });
}

/** One request on a connection of its own; a reset or silence becomes `error`. */
function restOrError(call: RestRequest): Promise<Reply> {
  const { hostname, port } = new URL(stack.restUrl);
  const headers: Record<string, string> = { authorization: call.authorization ?? basic(ADMIN.username, ADMIN.password) };
  if (call.authorization === "") delete headers.authorization;
  if (call.body !== undefined) headers["content-type"] = call.contentType ?? "application/json";
  return new Promise((resolve) => {
    const req = request({ host: hostname, port, method: call.method, path: call.path, headers, agent: false, timeout: ANSWER_WITHIN_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (error) => resolve({ error: `response broke off: ${error.message}` }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)));
    req.on("error", (error) => resolve({ error: `no answer (reset or timeout): ${error.message}` }));
    req.end(call.body);
  });
}

/**
 * What is wrong with an answer, or undefined when it is a documented success or the error envelope with a 4xx.
 * The observability paths the document also lists answer plain text by design: 200, 503 (not ready) or 405.
 */
function restProblem(reply: Reply, path = ""): string | undefined {
  if ("error" in reply) return reply.error;
  const { status, text } = reply;
  if (leaksInternals(text)) return `leaks internals: ${text.slice(0, 300)}`;
  if (OBSERVABILITY_PATHS.includes(path.split("?", 1)[0])) {
    return [200, 405, 503].includes(status) ? undefined : `HTTP ${status} from an observability path: ${text.slice(0, 300)}`;
  }
  if (!CLEAN_STATUSES.has(status)) return `HTTP ${status}: ${text.slice(0, 300)}`;
  let body: { status?: unknown; responseObject?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return `HTTP ${status} without a JSON body: ${text.slice(0, 300)}`;
  }
  // Successes are the resource itself (the specification wraps only errors).
  if (status === 200) return undefined;
  const code = body.responseObject?.code;
  if (body.status !== "ERROR" || typeof code !== "string" || typeof body.responseObject?.message !== "string") {
    return `HTTP ${status} without the error envelope: ${text.slice(0, 300)}`;
  }
  if (code === "ERROR_GENERIC") return `ERROR_GENERIC for bad input: ${text.slice(0, 300)}`;
  return undefined;
}

/** Both processes run and a normal call goes through the gateway to the core and back. */
async function expectGatewayServing(): Promise<void> {
  expect(stack.rest.process.exitCode, stack.rest.output().slice(-2000)).toBeNull();
  expect(stack.core.process.exitCode, stack.core.output().slice(-2000)).toBeNull();
  const reply = await rest({ method: "GET", path: "/admin/applications" });
  expect(reply.status, reply.text).toBe(200);
}

const seeds = fuzzSeeds("rest");

describe("the REST gateway under generated and hostile requests", () => {
  it(`answers ${2 * RUNS * BATCH} requests with the error envelope and a 4xx (or a success), and keeps serving`, async () => {
    await fuzzBatches(seeds, RUNS, fc.array(requests(), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const replies = await Promise.all(batch.map((call) => restOrError(call)));
      const found = replies.flatMap((reply, i) => {
        const problem = restProblem(reply, batch[i].path);
        const body = batch[i].body;
        const shown = body === undefined ? "" : ` ${JSON.stringify(body.subarray(0, 160).toString("utf8"))}${body.length > 160 ? `… (${body.length} bytes)` : ""}`;
        return problem === undefined ? [] : [`${batch[i].method} ${batch[i].path.slice(0, 200)}${shown} → ${problem}`];
      });
      expect(found).toEqual([]);
      await expectGatewayServing();
    });
  });

  it("answers a body over its limit, also sent chunked, with 413 and the error envelope instead of a reset", async () => {
    const big = Buffer.from(JSON.stringify({ id: "x".repeat(2 * 1024 * 1024) }));
    for (const chunked of [false, true]) {
      const reply = await new Promise<Reply>((resolve) => {
        const { hostname, port } = new URL(stack.restUrl);
        const headers: Record<string, string> = { authorization: basic(ADMIN.username, ADMIN.password), "content-type": "application/json" };
        if (!chunked) headers["content-length"] = String(big.length);
        const req = request({ host: hostname, port, method: "POST", path: "/admin/applications", headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("error", (error) => resolve({ error: `no answer (reset): ${error.message}` }));
        for (let offset = 0; offset < big.length; offset += 64 * 1024) req.write(big.subarray(offset, offset + 64 * 1024));
        req.end();
      });
      expect(reply).toMatchObject({ status: 413 });
      expect(restProblem(reply)).toBeUndefined();
    }
    await expectGatewayServing();
  });
});
