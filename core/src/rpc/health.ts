import type { ConnectRouter } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import type { Deps } from "./deps.ts";

const WATCH_INTERVAL_MS = 5_000;

/**
 * gRPC health checking. The server (service "") and each registered service are SERVING while the database
 * answers; an orchestrator sees NOT_SERVING as soon as it does not.
 */
export function registerHealth(router: ConnectRouter, deps: Deps, serviceNames: string[]): void {
  const known = new Set(["", ...serviceNames]);
  const currentStatus = async () => ((await deps.db.ping()) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  router.service(Health, {
    async check(request) {
      if (!known.has(request.service)) throw new ConnectError(`unknown service ${shortened(request.service)}`, Code.NotFound);
      return { status: await currentStatus() };
    },
    async list() {
      const status = await currentStatus();
      return { statuses: Object.fromEntries([...known].map((name) => [name, { status }])) };
    },
    async *watch(request, context) {
      if (!known.has(request.service)) {
        yield { status: ServingStatus.SERVICE_UNKNOWN };
        return;
      }
      // Ends when the caller goes away or the core stops, so a watcher never holds up a shutdown.
      const ended = AbortSignal.any([context.signal, deps.stopping]);
      let last: ServingStatus | undefined;
      while (!ended.aborted) {
        const status = await currentStatus();
        if (status !== last) yield { status };
        last = status;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, WATCH_INTERVAL_MS);
          ended.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    },
  });
}

/** Longest part of an unknown service name echoed back: the answer travels in a trailer, which clients bound. */
const MAX_ECHOED_NAME = 100;

function shortened(name: string): string {
  return name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name;
}
