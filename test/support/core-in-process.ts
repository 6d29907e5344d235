import { createClient } from "@connectrpc/connect";
import type { Client, Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService as PowerAuthServiceV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { PowerAuthService as PowerAuthServiceV3 } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { loadConfig } from "../../core/src/config.ts";
import type { CoreConfig } from "../../core/src/config.ts";
import { createLogger } from "../../core/src/logger.ts";
import { startServer } from "../../core/src/server.ts";
import type { RunningCore } from "../../core/src/server.ts";
import { createTestDatabase } from "./database.ts";
import type { TestDatabase } from "./database.ts";

export const TEST_ADMIN = { username: "admin", password: "admin-test-password" };

export interface CoreUnderTest {
  core: RunningCore;
  database: TestDatabase;
  config: CoreConfig;
  /** gRPC over HTTP/2 (the transport internal services use). */
  v3: Client<typeof PowerAuthServiceV3>;
  v2: Client<typeof PowerAuthServiceV2>;
  /** Admin API client that sends the test admin's credentials. */
  admin: Client<typeof AdminService>;
  /** Connect protocol over HTTP/1.1, to prove the one port speaks both. */
  v3Connect: Client<typeof PowerAuthServiceV3>;
  close(): Promise<void>;
}

/** Starts the core in this process on a free port with a fresh test database (PGlite or PostgreSQL). */
export async function startCoreForTest(overrides: Partial<CoreConfig> = {}): Promise<CoreUnderTest> {
  const database = await createTestDatabase();
  const config: CoreConfig = {
    ...loadConfig({}),
    port: 0,
    adminUsername: TEST_ADMIN.username,
    adminPassword: TEST_ADMIN.password,
    ...overrides,
  };
  const core = await startServer({ config, db: database.db, log: createLogger("core", { quiet: true }), accessLog: false });
  const grpc = createGrpcTransport({ baseUrl: core.url });
  const adminGrpc = createGrpcTransport({ baseUrl: core.url, interceptors: [basicAuth(TEST_ADMIN.username, TEST_ADMIN.password)] });
  const connect = createConnectTransport({ baseUrl: core.url, httpVersion: "1.1" });
  return {
    core,
    database,
    config,
    v3: createClient(PowerAuthServiceV3, grpc),
    v2: createClient(PowerAuthServiceV2, grpc),
    admin: createClient(AdminService, adminGrpc),
    v3Connect: createClient(PowerAuthServiceV3, connect),
    async close() {
      await core.close();
      await database.dispose();
    },
  };
}

/** Adds HTTP Basic credentials to every call, as integrations and admin users send them. */
export function basicAuth(username: string, password: string): Interceptor {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  return (next) => (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}
