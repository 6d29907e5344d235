import * as grpc from "@grpc/grpc-js";
import { fromBinary, fromJson, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, DescMethod, JsonValue } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminErrorDetailSchema, AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CallbackEventService } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { OperationService } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { PowerAuthService as PowerAuthServiceV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { ErrorDetailSchema, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { Health } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activateDevice, createTestApplication } from "./support/powerauth-flows.ts";
import { fuzzBatches, fuzzSeeds, hostileJsonBody, hostileString, leaksInternals, protoJson } from "./support/fuzz.ts";
import { startStack } from "./support/stack.ts";
import type { Stack } from "./support/stack.ts";

// The core's own port under generated and known-hostile input: binary protobuf through @grpc/grpc-js (a client
// other than the server's library) and Connect JSON over HTTP/1.1, to every unary method of every service.
// Each input must get a gRPC status the caller can act on — a PowerAuth error code (ErrorDetail or
// AdminErrorDetail) unless the status itself says what happened (unauthenticated, unimplemented, overloaded) —
// never INTERNAL without a code, UNKNOWN, a reset or a stack; and the process must serve a normal call after
// every batch. Real processes, so a crash is a dead child, not a dead test runner.

const ADMIN = { username: "fuzz-admin", password: "fuzz-admin-password" };
const BATCH = 10;
/** Batches per seed and client; two seeds, so 2 × 150 × 10 = 3,000 inputs per client. */
const RUNS = 150;
const ANSWER_WITHIN_MS = 10_000;

const SERVICES = [PowerAuthService, PowerAuthServiceV2, AdminService, OperationService, CallbackEventService, Health];
const METHODS: DescMethod[] = SERVICES.flatMap((service) => service.methods.filter((method) => method.methodKind === "unary"));

let stack: Stack;
let strings: fc.Arbitrary<string>;
let numbers: bigint[];

beforeAll(async () => {
  stack = await startStack({ POWERAUTH_ADMIN_USERNAME: ADMIN.username, POWERAUTH_ADMIN_PASSWORD: ADMIN.password, POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS: "0" });
  // Real ids among the generated values, so some inputs get past "not found" into the checks behind it.
  const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: stack.coreUrl }));
  const app = await createTestApplication(v3, "fuzz-app");
  const { activationId, userId } = await activateDevice(v3, app);
  strings = hostileString([activationId, userId, app.applicationKey, app.applicationSecret, app.masterPublicKey, "fuzz-app"]);
  numbers = [app.applicationId];
});

afterAll(async () => {
  await stack?.stop();
});

type Credentials = "none" | "admin" | "wrong" | "hostile" | "garbled";
const credentials = fc.constantFrom<Credentials>("none", "admin", "admin", "wrong", "hostile", "garbled");

function authorization(kind: Credentials): string | undefined {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  switch (kind) {
    case "none":
      return undefined;
    case "admin":
      return basic(ADMIN.username, ADMIN.password);
    case "wrong":
      return basic("fuzz-nobody", "wrong-password");
    case "hostile":
      return basic("fuzz\u0000nobody", "p".repeat(5000));
    case "garbled":
      return "Basic !!!not-base64";
  }
}

/** Bytes protobuf's decoder must refuse or survive: truncations, wrong wire types, runaway lengths and groups. */
const GARBAGE_PROTOBUF: readonly Buffer[] = [
  Buffer.from([0xff, 0xff, 0xff]),
  Buffer.from([0x0a, 0x7f, 0x41]),
  Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
  Buffer.from([0x0b]),
  Buffer.alloc(50_000, 0x0b),
  Buffer.from([0x0c]),
  Buffer.from([0x0a, 0x02, 0xc0, 0xaf]),
  Buffer.from([0x0a, 0x01, 0x00]),
  Buffer.from([0x12, 0x08, 0x0a, 0x06, 0x12, 0x04, 0x0a, 0x02, 0x12]),
  Buffer.from([0x00]),
  Buffer.from([0x0f, 0x00]),
  Buffer.alloc(2 * 1024 * 1024, 0x41),
];

const binaryCache = new Map<DescMessage, fc.Arbitrary<Buffer>>();

/** A request for `method` in binary: mostly a well-formed message of generated values, else garbage bytes. */
function binaryRequest(method: DescMethod): fc.Arbitrary<Buffer> {
  let arbitrary = binaryCache.get(method.input);
  if (!arbitrary) {
    const wellFormed = protoJson(method.input, strings, numbers).map((json) => encodeOrRaw(method.input, json));
    arbitrary = fc.oneof(
      { weight: 6, arbitrary: wellFormed },
      { weight: 2, arbitrary: fc.constantFrom(...GARBAGE_PROTOBUF) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes)) },
    );
    binaryCache.set(method.input, arbitrary);
  }
  return arbitrary;
}

/** The message's binary encoding; JSON protobuf will not take (a timestamp out of range) goes as raw bytes. */
function encodeOrRaw(desc: DescMessage, json: JsonValue): Buffer {
  try {
    return Buffer.from(toBinary(desc, fromJson(desc, json)));
  } catch {
    return Buffer.from(JSON.stringify(json));
  }
}

const jsonCache = new Map<DescMessage, fc.Arbitrary<Buffer>>();

function jsonRequest(method: DescMethod): fc.Arbitrary<Buffer> {
  let arbitrary = jsonCache.get(method.input);
  if (!arbitrary) {
    arbitrary = hostileJsonBody(protoJson(method.input, strings, numbers), strings);
    jsonCache.set(method.input, arbitrary);
  }
  return arbitrary;
}

interface CoreCall {
  method: DescMethod;
  body: Buffer;
  credentials: Credentials;
}

function calls(body: (method: DescMethod) => fc.Arbitrary<Buffer>): fc.Arbitrary<CoreCall[]> {
  const call = fc
    .constantFrom(...METHODS)
    .chain((method) => fc.record({ method: fc.constant(method), body: body(method), credentials }));
  return fc.array(call, { minLength: BATCH, maxLength: BATCH });
}

/**
 * Statuses that are themselves the answer; every other failure must carry a PowerAuth error code. The health
 * service follows the gRPC health protocol, which answers an unknown service name with NOT_FOUND.
 */
function selfExplaining(method: DescMethod, code: string): boolean {
  if (method.parent.typeName === Health.typeName && code === "not_found") return true;
  return ["unauthenticated", "permission_denied", "unimplemented", "resource_exhausted"].includes(code);
}

/** gRPC status number → Connect's name for it ("INVALID_ARGUMENT" → "invalid_argument"). */
function codeName(status: grpc.status): string {
  return grpc.status[status].toLowerCase();
}

/** The PowerAuth error code among an error's details (google.protobuf.Any type URL + bytes), if any. */
function powerAuthCode(details: { type: string; value: Uint8Array }[]): string | undefined {
  for (const detail of details) {
    if (detail.type.endsWith("powerauth.v3.ErrorDetail")) return fromBinary(ErrorDetailSchema, detail.value).code;
    if (detail.type.endsWith("powerauth.admin.v1.AdminErrorDetail")) return fromBinary(AdminErrorDetailSchema, detail.value).code;
  }
  return undefined;
}

/** google.rpc.Status from `grpc-status-details-bin`: only its repeated Any details (field 3) matter here. */
function statusDetails(bytes: Buffer): { type: string; value: Uint8Array }[] {
  const details: { type: string; value: Uint8Array }[] = [];
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 3) {
      reader.skip(wireType);
      continue;
    }
    const any = new BinaryReader(reader.bytes());
    const detail: { type: string; value: Uint8Array } = { type: "", value: new Uint8Array() };
    while (any.pos < any.len) {
      const [anyField, anyWire] = any.tag();
      if (anyField === 1) detail.type = any.string();
      else if (anyField === 2) detail.value = any.bytes();
      else any.skip(anyWire);
    }
    details.push(detail);
  }
  return details;
}

/** What is wrong with an answer, or undefined if it is clean. */
function problemWithCode(status: string, selfExplaining: boolean, code: string | undefined, text: string): string | undefined {
  if (leaksInternals(text)) return `leaks internals: ${text.slice(0, 300)}`;
  if (selfExplaining) return undefined;
  if (code === undefined) return `${status} without a PowerAuth error code: ${text.slice(0, 300)}`;
  if (code === "ERR0000" || code === "ERROR_GENERIC") return `${status} ${code} (unexpected failure) for bad input: ${text.slice(0, 300)}`;
  return undefined;
}

function callGrpc(client: grpc.Client, call: CoreCall): Promise<string | undefined> {
  const metadata = new grpc.Metadata();
  const auth = authorization(call.credentials);
  if (auth !== undefined) metadata.set("authorization", auth);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/${call.method.parent.typeName}/${call.method.name}`,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      call.body,
      metadata,
      { deadline: Date.now() + ANSWER_WITHIN_MS },
      (error: grpc.ServiceError | null) => {
        if (!error) return resolve(undefined);
        const [bin] = error.metadata.get("grpc-status-details-bin");
        const code = bin instanceof Buffer ? powerAuthCode(statusDetails(bin)) : undefined;
        const name = codeName(error.code);
        if (error.code === grpc.status.UNKNOWN || error.code === grpc.status.DEADLINE_EXCEEDED || error.code === grpc.status.CANCELLED) {
          return resolve(`${name}: ${error.details}`);
        }
        resolve(problemWithCode(name, selfExplaining(call.method, name), code, `${error.details}`));
      },
    );
  });
}

async function callConnectJson(call: CoreCall): Promise<string | undefined> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const auth = authorization(call.credentials);
  if (auth !== undefined) headers.authorization = auth;
  let response: Response;
  try {
    response = await fetch(`${stack.coreUrl}/${call.method.parent.typeName}/${call.method.name}`, {
      method: "POST",
      headers,
      body: call.body,
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
  } catch (error) {
    return `no answer (reset or timeout): ${String(error)}`;
  }
  const text = await response.text();
  if (response.status === 200) return leaksInternals(text) ? `leaks internals: ${text.slice(0, 300)}` : undefined;
  let error: { code?: unknown; details?: { type?: unknown; value?: unknown }[] };
  try {
    error = JSON.parse(text) as typeof error;
  } catch {
    return `HTTP ${response.status} without a Connect error body: ${text.slice(0, 300)}`;
  }
  if (typeof error.code !== "string" || error.code === "unknown") return `HTTP ${response.status} ${String(error.code)}: ${text.slice(0, 300)}`;
  const details = (error.details ?? []).map((detail) => ({
    type: String(detail.type),
    value: Buffer.from(String(detail.value), "base64"),
  }));
  return problemWithCode(error.code, selfExplaining(call.method, error.code), powerAuthCode(details), text);
}

/** The process is running and a normal call answers promptly. */
async function expectCoreServing(): Promise<void> {
  expect(stack.core.process.exitCode, stack.core.output().slice(-2000)).toBeNull();
  const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: stack.coreUrl }));
  expect((await v3.getSystemStatus({}, { timeoutMs: 5_000 })).status).toBe("OK");
}

const seeds = fuzzSeeds("core");

describe("the core under generated and hostile input", () => {
  it(`answers ${2 * RUNS * BATCH} binary protobuf requests over @grpc/grpc-js with clean statuses and keeps serving`, async () => {
    const client = new grpc.Client(new URL(stack.coreUrl).host, grpc.credentials.createInsecure(), {
      "grpc.max_send_message_length": 4 * 1024 * 1024,
    });
    try {
      await fuzzBatches(seeds, RUNS, calls(binaryRequest), async (batch) => {
        const problems = await Promise.all(batch.map((call) => callGrpc(client, call)));
        reportProblems(batch, problems);
        await expectCoreServing();
      });
    } finally {
      client.close();
    }
  });

  it(`answers ${2 * RUNS * BATCH} Connect JSON requests with clean errors and keeps serving`, async () => {
    await fuzzBatches(seeds, RUNS, calls(jsonRequest), async (batch) => {
      const problems = await Promise.all(batch.map((call) => callConnectJson(call)));
      reportProblems(batch, problems);
      await expectCoreServing();
    });
  });
});

function reportProblems(batch: CoreCall[], problems: (string | undefined)[]): void {
  const found = problems.flatMap((problem, i) =>
    problem === undefined ? [] : [`${batch[i].method.parent.typeName}/${batch[i].method.name} (${batch[i].credentials}) ${preview(batch[i].body)} → ${problem}`],
  );
  // The list as the message: the assertion's own rendering shortens it to "[ Array(1) ]".
  expect(found, found.join("\n")).toEqual([]);
}

/** The start of a request body, printable, for the failure message. */
function preview(body: Buffer): string {
  const head = body.subarray(0, 160);
  return body.length > 160 ? `${JSON.stringify(head.toString("latin1"))}… (${body.length} bytes)` : JSON.stringify(head.toString("latin1"));
}
