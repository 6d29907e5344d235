// The gateway's only connection to the core: a Connect client for AdminService speaking gRPC over HTTP/2
// (h2c for http:// URLs). One HTTP/2 session is shared by all requests and kept alive with PINGs, so a
// restarted core is noticed and reconnected to instead of hanging requests on a dead connection.

import { createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { Health } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";

export type AdminClient = Client<typeof AdminService>;

export type CoreClientOptions = {
  /** Base URL of the core, e.g. http://127.0.0.1:50051. */
  coreUrl: string;
  /** Deadline of each core call; the REST caller gets ERROR_INTERNAL_API when it passes. */
  timeoutMs: number;
};

export type CoreClient = {
  admin: AdminClient;
  /** The core's gRPC health service, on the same session (the readiness probe asks it). */
  health: Client<typeof Health>;
  /** Drops the HTTP/2 session; calls still in flight fail. */
  close(): void;
};

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const sessionManager = new Http2SessionManager(options.coreUrl, {
    pingIntervalMs: 30_000,
    pingTimeoutMs: 10_000,
    idleConnectionTimeoutMs: 5 * 60_000,
  });
  // gRPC requires HTTP/2: createGrpcTransport always uses it (it has no httpVersion option to set).
  const transport = createGrpcTransport({
    baseUrl: options.coreUrl,
    sessionManager,
    defaultTimeoutMs: options.timeoutMs,
  });
  return {
    admin: createClient(AdminService, transport),
    health: createClient(Health, transport),
    close: () => sessionManager.abort(),
  };
}
