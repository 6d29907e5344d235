// The gateway's only way to the core: one gRPC (HTTP/2, h2c) transport, used generically for any unary RPC of
// either PowerAuthService, so translation stays table-free.

import type { DescMethodUnary, Message } from "@bufbuild/protobuf";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { UsernameToken } from "./envelope.ts";

export interface CoreClient {
  /** Calls a unary RPC; rejects with ConnectError (Unavailable when the core cannot be reached). */
  call(method: DescMethodUnary, request: Message, options: CoreCallOptions): Promise<Message>;
  /** Closes the HTTP/2 connection to the core. */
  close(): void;
}

export interface CoreCallOptions {
  readonly headers: Headers;
  readonly signal?: AbortSignal;
}

export interface CoreClientOptions {
  /** e.g. http://127.0.0.1:50051 */
  readonly coreUrl: string;
  /** Deadline sent with every call. */
  readonly timeoutMs?: number;
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const sessionManager = new Http2SessionManager(options.coreUrl);
  const transport = createGrpcTransport({ baseUrl: options.coreUrl, sessionManager });
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async call(method, request, { headers, signal }) {
      const response = await transport.unary(method, signal, timeoutMs, headers, request);
      return response.message;
    },
    close() {
      sessionManager.abort();
    },
  };
}

/**
 * gRPC metadata for a call: the WS-Security UsernameToken becomes `authorization: Basic base64(user:pass)`.
 * Whether credentials are required, and whether they are valid, is the core's decision.
 */
export function coreHeaders(credentials: UsernameToken | undefined): Headers {
  const headers = new Headers();
  if (credentials) {
    const token = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
    headers.set("authorization", `Basic ${token}`);
  }
  return headers;
}
