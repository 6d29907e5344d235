import type { Registry } from "prom-client";
import { sharedWithDeadline } from "./shared-check.ts";

// Process-agnostic: the core and both gateways serve these three paths on their main port with this module
// (it imports nothing of the core's), each with its own registry and its own idea of "ready".

/** The part of an HTTP/1.1 or HTTP/2 compatibility request this module reads. */
export interface ProbeRequest {
  readonly method?: string;
  readonly url?: string;
  resume(): unknown;
}

/** The part of an HTTP/1.1 or HTTP/2 compatibility response this module writes. */
export interface ProbeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(): unknown;
  end(body: string): unknown;
}

export interface ObservabilityOptions {
  registry: Registry;
  /** Whether the process can do its work now; false, a failure or no answer within `readyTimeoutMs` is 503. */
  isReady(): Promise<boolean>;
  readyTimeoutMs: number;
}

/** Answers the request when it is one of the three paths, and says whether it did. */
export type ObservabilityHandler = (req: ProbeRequest, res: ProbeResponse) => boolean;

/** A probe must hear back well within an orchestrator's probe timeout (commonly 1 s or more). */
export const DEFAULT_READY_TIMEOUT_MS = 1000;

/** The paths this module answers (the REST gateway's OpenAPI document lists them too). */
export const OBSERVABILITY_PATHS: readonly string[] = ["/metrics", "/health/live", "/health/ready"];
const PATHS = new Set(OBSERVABILITY_PATHS);

/**
 * `GET /metrics` (Prometheus text), `GET /health/live` (200 while the process runs) and `GET /health/ready`
 * (200 or 503), also as HEAD. Free of credentials by design: they disclose counts and durations, never ids or
 * secrets. Anything else is left to the caller's own handler, after two string comparisons.
 */
export function observabilityEndpoints(options: ObservabilityOptions): ObservabilityHandler {
  const ready = sharedWithDeadline(options.isReady, options.readyTimeoutMs, false);
  return (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith("/metrics") && !url.startsWith("/health/")) return false;
    const path = url.split("?", 1)[0];
    if (!PATHS.has(path)) return false;
    // A body (there should be none) is drained, so neither HTTP/1.1 keep-alive nor an HTTP/2 stream waits on it.
    req.resume();
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      answer(res, 405, "text/plain; charset=utf-8", "Method Not Allowed\n", false, { allow: "GET, HEAD" });
    } else if (path === "/health/live") {
      answer(res, 200, "text/plain; charset=utf-8", "live\n", head);
    } else if (path === "/health/ready") {
      void ready().then((isReady) =>
        isReady ? answer(res, 200, "text/plain; charset=utf-8", "ready\n", head) : answer(res, 503, "text/plain; charset=utf-8", "not ready\n", head),
      );
    } else {
      options.registry.metrics().then(
        (text) => answer(res, 200, options.registry.contentType, text, head),
        () => answer(res, 500, "text/plain; charset=utf-8", "metrics unavailable\n", head),
      );
    }
    return true;
  };
}

function answer(res: ProbeResponse, status: number, contentType: string, body: string, headOnly: boolean, extra: Record<string, string> = {}): void {
  try {
    res.writeHead(status, {
      "content-type": contentType,
      "content-length": String(Buffer.byteLength(body)),
      "cache-control": "no-store",
      ...extra,
    });
    if (headOnly) res.end();
    else res.end(body);
  } catch {
    // The client went away while readiness or the metrics were being read (an HTTP/2 stream refuses writes
    // then); nobody is left to answer.
  }
}
