// /metrics, /health/live and /health/ready of the REST gateway (served without credentials), and its request
// metrics. The serving and the metric plumbing are the process-agnostic modules the core uses too.

import type { IncomingMessage, ServerResponse } from "node:http";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import { DEFAULT_READY_TIMEOUT_MS, observabilityEndpoints } from "../../core/src/observability/http-endpoints.ts";
import { httpSurfaceMetrics } from "../../core/src/observability/request-metrics.ts";
import type { CoreClient } from "./core-client.ts";
import type { Router } from "./routes.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps the gateway's request handler: the three observability paths are answered before it (so before any
 * credential check), every other request is counted when its response closes, in
 * `powerauth_rest_requests_total{route,status}` and `powerauth_rest_request_duration_seconds{route}`. The route
 * is the API's own template (`DELETE /admin/applications/{id}/roles/{roleName}`), or `other` for paths outside
 * the API (documentation, unknown paths), so callers cannot add label values. One registry per gateway, with
 * Node's process metrics. Ready while the core answers its gRPC health check SERVING and `stopping` is not
 * aborted: a gateway that is stopping takes no new traffic, even though its connections may finish.
 */
export function withObservability(core: CoreClient, route: Router, handler: Handler, stopping: AbortSignal): Handler {
  const { registry, requests } = httpSurfaceMetrics("powerauth_rest", "route", "REST requests handled");
  const isReady = async () => {
    if (stopping.aborted) return false;
    const answer = await core.health.check({ service: "" }, { signal: AbortSignal.timeout(DEFAULT_READY_TIMEOUT_MS) });
    // Asked again: a probe that shares a check begun before the stop must not answer ready after it.
    return answer.status === ServingStatus.SERVING && !stopping.aborted;
  };
  const serveObservability = observabilityEndpoints({ registry, isReady, readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS });
  return (req, res) => {
    if (serveObservability(req, res)) return;
    const started = performance.now();
    res.once("close", () => {
      // Matched again here rather than threaded out of the handler: the admin API is not a hot path.
      const match = route(req.method ?? "", (req.url ?? "/").split("?", 1)[0]);
      const label = match.kind === "found" ? `${match.route.method} ${match.route.path}` : "other";
      requests.record(label, res.statusCode, (performance.now() - started) / 1000);
    });
    handler(req, res);
  };
}
