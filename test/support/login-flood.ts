import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";

// A wrong-password flood on the core's admin API, as a process of its own (`node test/support/login-flood.ts
// <coreUrl> <username> <concurrent callers> <retry-after ms>`), so that the client measuring the signature path
// does not share its event loop with the attacker. Runs until SIGTERM, then lets every login in flight finish
// and prints how the logins ended as one JSON line.

const [coreUrl, username, concurrencyText, retryAfterText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const retryAfterMs = Number(retryAfterText);
let running = true;
const outcomes: Record<string, number> = {};

const wrongPassword = `Basic ${Buffer.from(`${username}:wrong-password`).toString("base64")}`;
// Several connections, so that no client-side stream limit keeps logins from being in flight at once.
const clients = Array.from({ length: 4 }, () =>
  createClient(AdminService, createGrpcTransport({ baseUrl: coreUrl, interceptors: [(next) => (request) => (request.header.set("authorization", wrongPassword), next(request))] })),
);

/** One caller: a wrong password again as soon as the last was checked; after a refusal, Retry-After's wait. */
async function caller(i: number): Promise<void> {
  while (running) {
    let outcome = "OK";
    try {
      await clients[i % clients.length].listApplications({});
    } catch (error) {
      outcome = Code[ConnectError.from(error).code];
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (outcome !== Code[Code.Unauthenticated]) await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
  }
}

const callers = Array.from({ length: concurrency }, (_, i) => caller(i));
process.stdout.write("flooding\n");
process.once("SIGTERM", () => {
  running = false;
  void Promise.all(callers).then(() => {
    process.stdout.write(`${JSON.stringify(outcomes)}\n`);
    process.exit(0);
  });
});
