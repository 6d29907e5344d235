import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Milliseconds since the epoch when the request had fully arrived. */
  at: number;
}

export interface CallbackReceiver {
  url: string;
  /** Every request so far, in arrival order. */
  received: ReceivedRequest[];
  /** Resolves once `predicate` holds for the requests received, or rejects after `timeoutMs`. */
  waitFor(predicate: (received: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback that records each request and answers with what `respond` returns (status
 * and optional JSON body; default 200). `respond` may also never resolve, to hold a request open.
 */
export async function startCallbackReceiver(
  respond: (request: ReceivedRequest, index: number) => number | { status: number; json?: unknown } | Promise<number | { status: number; json?: unknown }> = () => 200,
): Promise<CallbackReceiver> {
  const received: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      const index = received.push(request) - 1;
      for (const waiter of waiters) waiter();
      void Promise.resolve(respond(request, index)).then((answer) => {
        const { status, json } = typeof answer === "number" ? { status: answer, json: undefined } : answer;
        res.writeHead(status, json === undefined ? {} : { "Content-Type": "application/json" });
        res.end(json === undefined ? "" : JSON.stringify(json));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} requests)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sleeps; for waiting out a backoff before asserting that nothing more arrived. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
