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
import { startSoapGateway } from "../../gateway-soap/src/server.ts";
import { createTestDatabase } from "./database.ts";
import { TEST_MASTER_DB_KEY } from "./master-db-key.ts";
import type { TestDatabase } from "./database.ts";
import { createSoapProtoClient } from "./soap-proto-client.ts";

export const TEST_ADMIN = { username: "admin", password: "admin-test-password" };

/** The two ways callers reach the v3 service: gRPC straight to the core, or SOAP through the gateway. */
export const SURFACES = ["grpc", "soap"] as const;
export type Surface = (typeof SURFACES)[number];

export interface TestCoreOptions {
  /** Which surface `v3` speaks; "soap" also starts the SOAP gateway in this process in front of the core. */
  surface?: Surface;
}

export interface CoreUnderTest {
  core: RunningCore;
  database: TestDatabase;
  config: CoreConfig;
  surface: Surface;
  /**
   * The v3 client of the surface under test: gRPC over HTTP/2 (the transport internal services use), or raw
   * SOAP 1.1 envelopes through the gateway, every answer validated against the XSD.
   */
  v3: Client<typeof PowerAuthServiceV3>;
  /** gRPC straight to the core whatever the surface, for set-up and inspection outside the scenario. */
  grpc: Client<typeof PowerAuthServiceV3>;
  /** The SOAP endpoint when the surface is "soap". */
  soapUrl?: string;
  /** The v2 (protocol 2.x) client of the surface under test, like `v3`. */
  v2: Client<typeof PowerAuthServiceV2>;
  /** Admin API client that sends the test admin's credentials. */
  admin: Client<typeof AdminService>;
  /** Connect protocol over HTTP/1.1, to prove the one port speaks both. */
  v3Connect: Client<typeof PowerAuthServiceV3>;
  close(): Promise<void>;
}

/** The configuration a test core starts with: a free port, the test admin, the test master DB key, then `overrides`. */
export function testCoreConfig(overrides: Partial<CoreConfig> = {}): CoreConfig {
  return {
    ...loadConfig({}),
    port: 0,
    adminUsername: TEST_ADMIN.username,
    adminPassword: TEST_ADMIN.password,
    // Off unless a test is about delivery: others assert the outbox as written and use unreachable URLs.
    callbackDeliveryEnabled: false,
    masterDbEncryptionKey: TEST_MASTER_DB_KEY,
    ...overrides,
  };
}

/**
 * Starts the core in this process on a free port with a fresh test database (PGlite or PostgreSQL), and for
 * the "soap" surface the SOAP gateway on another free port in front of it.
 */
export async function startCoreForTest(overrides: Partial<CoreConfig> = {}, options: TestCoreOptions = {}): Promise<CoreUnderTest> {
  const surface = options.surface ?? "grpc";
  const database = await createTestDatabase();
  const config = testCoreConfig(overrides);
  const core = await startServer({ config, db: database.db, log: createLogger("core", { quiet: true }), accessLog: false });
  const grpc = createGrpcTransport({ baseUrl: core.url });
  const adminGrpc = createGrpcTransport({ baseUrl: core.url, interceptors: [basicAuth(TEST_ADMIN.username, TEST_ADMIN.password)] });
  const connect = createConnectTransport({ baseUrl: core.url, httpVersion: "1.1" });
  const direct = createClient(PowerAuthServiceV3, grpc);
  const gateway =
    surface === "soap"
      ? await startSoapGateway({ port: 0, coreUrl: core.url, log: () => {} }).catch(async (error: unknown) => {
          await core.close();
          await database.dispose();
          throw error;
        })
      : undefined;
  return {
    core,
    database,
    config,
    surface,
    v3: gateway ? createSoapProtoClient(PowerAuthServiceV3, gateway.url) : direct,
    grpc: direct,
    soapUrl: gateway?.url,
    v2: gateway ? createSoapProtoClient(PowerAuthServiceV2, gateway.url) : createClient(PowerAuthServiceV2, grpc),
    admin: createClient(AdminService, adminGrpc),
    v3Connect: createClient(PowerAuthServiceV3, connect),
    async close() {
      await gateway?.close();
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
