// /metrics, /health/live and /health/ready of the SOAP gateway, and its request metrics. The serving and the
// metric plumbing are the process-agnostic modules the core uses too.

import { create, isMessage } from "@bufbuild/protobuf";
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "@powerauth/proto/grpc/health/v1/health_pb.js";
import { DEFAULT_READY_TIMEOUT_MS, observabilityEndpoints } from "../../core/src/observability/http-endpoints.ts";
import type { ObservabilityHandler } from "../../core/src/observability/http-endpoints.ts";
import { httpSurfaceMetrics } from "../../core/src/observability/request-metrics.ts";
import type { CoreClient } from "./core-client.ts";
import type { RequestLogLine } from "./server.ts";

export interface SoapObservability {
  /** Answers the three observability paths (no credentials); false for any other request. */
  readonly serve: ObservabilityHandler;
  /** Counts a finished request from its log line (operation, HTTP status, duration). */
  countRequest(line: RequestLogLine): void;
}

/**
 * One registry per gateway. `powerauth_soap_requests_total{operation,status}` and
 * `powerauth_soap_request_duration_seconds{operation}`, where operation is the dispatched SOAP operation
 * (`v3:GetActivationStatus`), a WSDL (`wsdl:serviceV3.wsdl`) or `-` before dispatch; plus Node's process
 * metrics. Ready while the core answers its gRPC health check SERVING (it does while its database answers) and
 * `stopping` is not aborted: a gateway that is stopping takes no new traffic, even though its connections may finish.
 */
export function soapObservability(core: CoreClient, stopping: AbortSignal): SoapObservability {
  const { registry, requests } = httpSurfaceMetrics("powerauth_soap", "operation", "SOAP requests handled");
  const isReady = async () => {
    if (stopping.aborted) return false;
    const answer = await core.call(Health.method.check, create(HealthCheckRequestSchema, { service: "" }), {
      headers: new Headers(),
      signal: AbortSignal.timeout(DEFAULT_READY_TIMEOUT_MS),
    });
    // Asked again: a probe that shares a check begun before the stop must not answer ready after it.
    return isMessage(answer, HealthCheckResponseSchema) && answer.status === ServingStatus.SERVING && !stopping.aborted;
  };
  return {
    serve: observabilityEndpoints({ registry, isReady, readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS }),
    countRequest: (line) => requests.record(line.operation, line.status, line.ms / 1000),
  };
}
