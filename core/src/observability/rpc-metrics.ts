import type { Registry } from "prom-client";
import { RequestMetrics } from "./request-metrics.ts";

/** A call that succeeded: gRPC's status 0, which Connect's `Code` has no member for. */
export const OK = 0;

/** gRPC's canonical status names, indexed by code, as other gRPC servers label their metrics. */
const CODE_NAMES: readonly string[] = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

/**
 * `powerauth_rpc_requests_total{method,code}` and `powerauth_rpc_duration_seconds{method}`, recorded by the
 * server's outermost interceptor for every transport. `method` is the router's `package.Service/Method`.
 */
export function rpcMetrics(registry: Registry): RequestMetrics {
  return new RequestMetrics(registry, {
    requests: "powerauth_rpc_requests_total",
    duration: "powerauth_rpc_duration_seconds",
    subject: "method",
    outcome: "code",
    outcomeName: (code) => CODE_NAMES[code] ?? String(code),
    help: "RPCs handled",
  });
}
