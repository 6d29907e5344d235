import http2 from "node:http2";
import { gzipSync } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { AdminErrorDetailSchema, AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import { ErrorDetailSchema, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../core/src/config.ts";
import type { CoreConfig } from "../core/src/config.ts";
import type { Logger } from "../core/src/logger.ts";
import { startServer } from "../core/src/server.ts";
import type { RunningCore } from "../core/src/server.ts";
import { createTestDatabase } from "./support/database.ts";
import type { TestDatabase } from "./support/database.ts";
import { TEST_MASTER_DB_KEY } from "./support/master-db-key.ts";

// The core's transport: unary gRPC over HTTP/2 is served by a lean path (core/src/transport/grpc-unary.ts), the
// rest by Connect. Whichever path a call takes, a request message that is not valid protobuf is bad input
// (INVALID_ARGUMENT with the surface's error detail) and gets its one access-log line, and the lean path keeps
// Connect's contract: interceptors (access control), error details, deadlines and the message size limit.

const ADMIN = { username: "transport-admin", password: "transport-admin-password" };
/** Bytes no protobuf decoder accepts: field 1 as a length-delimited value promising 127 bytes and giving 1. */
const GARBAGE = Buffer.from([0x0a, 0x7f, 0x41]);

interface CoreWithLog {
  core: RunningCore;
  database: TestDatabase;
  accessLog: Record<string, unknown>[];
}

async function startCore(overrides: Partial<CoreConfig> = {}): Promise<CoreWithLog> {
  const database = await createTestDatabase();
  const accessLog: Record<string, unknown>[] = [];
  const log: Logger = {
    info: (message, fields) => {
      if (message === "rpc") accessLog.push(fields ?? {});
    },
    warn: () => {},
    error: () => {},
  };
  const config: CoreConfig = {
    ...loadConfig({}),
    port: 0,
    adminUsername: ADMIN.username,
    adminPassword: ADMIN.password,
    callbackDeliveryEnabled: false,
    activationExpiryJobIntervalMs: 0,
    masterDbEncryptionKey: TEST_MASTER_DB_KEY,
    ...overrides,
  };
  const core = await startServer({ config, db: database.db, log, accessLog: true });
  return { core, database, accessLog };
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** One unary call with raw request bytes through @grpc/grpc-js; resolves with the error (or null) and the answer. */
function grpcCall(client: grpc.Client, method: DescMethodUnary, body: Buffer, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}) {
  return new Promise<{ error: grpc.ServiceError | null; response?: Buffer }>((resolve) => {
    client.makeUnaryRequest(
      `/${method.parent.typeName}/${method.name}`,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      metadata,
      options,
      (error, response) => resolve({ error, response }),
    );
  });
}

/** The PowerAuth error code in a gRPC error's `grpc-status-details-bin` (the Connect-encoded google.rpc.Status). */
function errorDetailCode(error: grpc.ServiceError): string | undefined {
  const [bin] = error.metadata.get("grpc-status-details-bin");
  if (!(bin instanceof Buffer)) return undefined;
  const text = bin.toString("latin1");
  if (text.includes("powerauth.v3.ErrorDetail")) return fromBinary(ErrorDetailSchema, lastAnyValue(bin)).code;
  if (text.includes("powerauth.admin.v1.AdminErrorDetail")) return fromBinary(AdminErrorDetailSchema, lastAnyValue(bin)).code;
  return undefined;
}

/** The value bytes of the (only) Any in a google.rpc.Status: field 3 { field 1 type URL, field 2 value }. */
function lastAnyValue(status: Buffer): Uint8Array {
  let offset = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = status[offset++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (offset < status.length) {
    const tag = varint();
    if ((tag & 7) === 0) {
      varint();
      continue;
    }
    const length = varint();
    if (tag >> 3 !== 3) {
      offset += length;
      continue;
    }
    const end = offset + length;
    while (offset < end) {
      const innerTag = varint();
      const innerLength = varint();
      if (innerTag >> 3 === 2) return status.subarray(offset, offset + innerLength);
      offset += innerLength;
    }
  }
  throw new Error("no Any in the status");
}

describe("the core's transport", () => {
  let t: CoreWithLog;
  let client: grpc.Client;

  beforeAll(async () => {
    t = await startCore();
    client = new grpc.Client(new URL(t.core.url).host, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await t?.core.close();
    await t?.database.dispose();
  });
  beforeEach(() => {
    t.accessLog.length = 0;
  });

  describe("a request message that is not valid protobuf", () => {
    it("is INVALID_ARGUMENT with ERR0024 and one access-log line over plain gRPC", async () => {
      const { error } = await grpcCall(client, PowerAuthService.method.verifySignature, GARBAGE);
      expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(errorDetailCode(error!)).toBe("ERR0024");
      expect(t.accessLog).toEqual([expect.objectContaining({ rpc: "powerauth.v3.PowerAuthService/VerifySignature", code: grpc.status.INVALID_ARGUMENT })]);
    });

    it("is INVALID_ARGUMENT over gzip-compressed gRPC, which Connect serves", async () => {
      const compressing = new grpc.Client(new URL(t.core.url).host, grpc.credentials.createInsecure(), {
        "grpc.default_compression_algorithm": 2,
      });
      try {
        const { error } = await grpcCall(compressing, PowerAuthService.method.getActivationStatus, Buffer.alloc(64, 0x0b));
        expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
        expect(errorDetailCode(error!)).toBe("ERR0024");
        expect(t.accessLog).toEqual([expect.objectContaining({ rpc: "powerauth.v3.PowerAuthService/GetActivationStatus", code: grpc.status.INVALID_ARGUMENT })]);
      } finally {
        compressing.close();
      }
    });

    it("is invalid_argument with ERR0024 over the Connect protocol (binary, HTTP/1.1), also gzip-compressed", async () => {
      for (const [body, encoding] of [[GARBAGE, undefined], [gzipSync(GARBAGE), "gzip"]] as const) {
        const response = await fetch(`${t.core.url}/powerauth.v3.PowerAuthService/GetActivationStatus`, {
          method: "POST",
          headers: { "content-type": "application/proto", ...(encoding && { "content-encoding": encoding }) },
          body,
        });
        expect(response.status).toBe(400);
        const answer = (await response.json()) as { code: string; details: { type: string; value: string }[] };
        expect(answer).toMatchObject({ code: "invalid_argument" });
        expect(answer.details, JSON.stringify(answer)).toHaveLength(1);
        expect(fromBinary(ErrorDetailSchema, Buffer.from(answer.details[0].value, "base64")).code).toBe("ERR0024");
      }
      expect(t.accessLog).toHaveLength(2);
      expect(t.accessLog.every((line) => line.code === grpc.status.INVALID_ARGUMENT)).toBe(true);
    });

    it("is invalid_argument with ERR0024 for Connect JSON that is not the method's message", async () => {
      for (const body of ["null", "{\"activationId\": 7}", "{"]) {
        const response = await fetch(`${t.core.url}/powerauth.v3.PowerAuthService/GetActivationStatus`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        expect(response.status).toBe(400);
        const answer = (await response.json()) as { code: string; details: { type: string; value: string }[] };
        expect(answer.code).toBe("invalid_argument");
        expect(fromBinary(ErrorDetailSchema, Buffer.from(answer.details[0].value, "base64")).code).toBe("ERR0024");
      }
      expect(t.accessLog.map((line) => line.code)).toEqual([3, 3, 3]);
    });

    it("is INVALID_ARGUMENT over gRPC-Web", async () => {
      const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, GARBAGE.length]), GARBAGE]);
      const response = await fetch(`${t.core.url}/powerauth.v3.PowerAuthService/VerifySignature`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto" },
        body: framed,
      });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).toString("latin1")).toMatch(/grpc-status: ?3\r\n/);
      expect(t.accessLog).toEqual([expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT })]);
    });

    it("is ERROR_REQUEST on the admin API, after its credentials are checked", async () => {
      const withCredentials = new grpc.Metadata();
      withCredentials.set("authorization", basic(ADMIN.username, ADMIN.password));
      const { error } = await grpcCall(client, AdminService.method.listApplications, GARBAGE, withCredentials);
      expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(errorDetailCode(error!)).toBe("ERROR_REQUEST");

      const { error: anonymous } = await grpcCall(client, AdminService.method.listApplications, GARBAGE);
      expect(anonymous?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(t.accessLog.map((line) => line.code)).toEqual([grpc.status.INVALID_ARGUMENT, grpc.status.UNAUTHENTICATED]);
    });
  });

  describe("unary gRPC on the lean path", () => {
    it("answers a valid call and logs it", async () => {
      const { error, response } = await grpcCall(client, Health.method.check, Buffer.from(toBinary(Health.method.check.input, create(Health.method.check.input))));
      expect(error).toBeNull();
      expect(fromBinary(Health.method.check.output, response!).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      expect(t.accessLog).toEqual([expect.objectContaining({ rpc: "grpc.health.v1.Health/Check", code: "ok" })]);
    });

    it("carries a service error's detail in the trailers", async () => {
      const request = create(PowerAuthService.method.initActivation.input, { userId: "u", applicationId: 987_654n });
      const { error } = await grpcCall(client, PowerAuthService.method.initActivation, Buffer.from(toBinary(PowerAuthService.method.initActivation.input, request)));
      expect(error?.code).toBe(grpc.status.NOT_FOUND);
      expect(error?.details).toBe("Application or application version does not exist.");
      expect(errorDetailCode(error!)).toBe("ERR0015");
    });

    it("refuses a message over the size limit with RESOURCE_EXHAUSTED", async () => {
      const request = create(PowerAuthService.method.getActivationStatus.input, { activationId: "a".repeat(1024 * 1024 + 1) });
      const { error } = await grpcCall(client, PowerAuthService.method.getActivationStatus, Buffer.from(toBinary(PowerAuthService.method.getActivationStatus.input, request)));
      expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    });

    it("answers a deadline that has passed with DEADLINE_EXCEEDED and a malformed one with INVALID_ARGUMENT", async () => {
      expect(await rawGrpcStatus(t.core.url, "0m")).toBe(String(grpc.status.DEADLINE_EXCEEDED));
      expect(await rawGrpcStatus(t.core.url, "soon")).toBe(String(grpc.status.INVALID_ARGUMENT));
      expect(await rawGrpcStatus(t.core.url, "10S")).toBe(String(grpc.status.OK));
    });
  });

  describe("with restricted access", () => {
    let restricted: CoreWithLog;
    let restrictedClient: grpc.Client;
    beforeAll(async () => {
      restricted = await startCore({ restrictAccess: true });
      restrictedClient = new grpc.Client(new URL(restricted.core.url).host, grpc.credentials.createInsecure());
    });
    afterAll(async () => {
      restrictedClient?.close();
      await restricted?.core.close();
      await restricted?.database.dispose();
    });

    it("refuses a PowerAuth call without integration credentials on the lean path", async () => {
      const request = create(PowerAuthService.method.getSystemStatus.input);
      const { error } = await grpcCall(restrictedClient, PowerAuthService.method.getSystemStatus, Buffer.from(toBinary(PowerAuthService.method.getSystemStatus.input, request)));
      expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(restricted.accessLog).toEqual([expect.objectContaining({ code: grpc.status.UNAUTHENTICATED })]);
    });
  });
});

/** Health Check over a bare HTTP/2 stream with the given `grpc-timeout`; resolves with the `grpc-status` trailer. */
function rawGrpcStatus(url: string, timeout: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Check",
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": timeout,
    });
    let status: string | undefined;
    stream.on("trailers", (trailers) => {
      status = String(trailers["grpc-status"]);
    });
    stream.on("data", () => {});
    stream.on("close", () => {
      session.close();
      resolve(status);
    });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}
