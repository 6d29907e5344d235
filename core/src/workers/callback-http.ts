import http from "node:http";
import https from "node:https";

/** An HTTP exchange that finished (any status), or why it did not. */
export type HttpExchange =
  | { ok: true; status: number; body: Buffer }
  | { ok: false; reason: "connect_timeout" | "response_timeout" | "connection_error" | "invalid_url" };

export interface CallbackHttpClient {
  /**
   * POSTs `body` and reads the response (at most `maxResponseBytes` of its body are kept). Gives up when the
   * connection is not established within the connect timeout, or the whole exchange is not done by `deadline`.
   */
  post(url: string, headers: Record<string, string>, body: string | Buffer, deadline: number, maxResponseBytes?: number): Promise<HttpExchange>;
  close(): void;
}

/**
 * The outbound HTTP client of callback delivery: keep-alive connections per receiver (at most `maxSockets` each,
 * the delivery concurrency), a connect timeout, and an overall deadline per exchange.
 */
export function createCallbackHttpClient(options: { connectTimeoutMs: number; maxSockets: number }): CallbackHttpClient {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: "lifo" as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  return {
    post(url, headers, body, deadline, maxResponseBytes = 65_536) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return Promise.resolve({ ok: false, reason: "invalid_url" });
      }
      const secure = target.protocol === "https:";
      if (!secure && target.protocol !== "http:") return Promise.resolve({ ok: false, reason: "invalid_url" });
      const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
      return new Promise<HttpExchange>((resolve) => {
        let settled = false;
        const finish = (result: HttpExchange) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadlineTimer);
          clearTimeout(connectTimer);
          resolve(result);
        };
        const request = (secure ? https : http).request(target, {
          method: "POST",
          agent: secure ? httpsAgent : httpAgent,
          headers: { ...headers, "Content-Length": String(payload.length) },
        });
        let connectTimer: NodeJS.Timeout | undefined;
        const deadlineTimer = setTimeout(() => {
          finish({ ok: false, reason: "response_timeout" });
          request.destroy();
        }, Math.max(0, deadline - Date.now()));
        request.on("socket", (socket) => {
          // A reused keep-alive socket is connected already; only a new one can time out connecting.
          if (!socket.connecting) return;
          connectTimer = setTimeout(() => {
            finish({ ok: false, reason: "connect_timeout" });
            request.destroy();
          }, options.connectTimeoutMs);
          socket.once("connect", () => clearTimeout(connectTimer));
        });
        request.on("error", () => finish({ ok: false, reason: "connection_error" }));
        request.on("response", (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            if (size < maxResponseBytes) chunks.push(chunk.subarray(0, maxResponseBytes - size));
            size += chunk.length;
          });
          response.on("end", () => finish({ ok: true, status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on("error", () => finish({ ok: false, reason: "connection_error" }));
        });
        request.end(payload);
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
