import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ErrorDetailSchema, GetErrorCodeListRequestSchema, GetSystemStatusRequestSchema, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { GetErrorCodeListResponse, GetSystemStatusResponse } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { coreHeaders, createCoreClient } from "./core-client.ts";
import type { CoreClient } from "./core-client.ts";

// The gateway's own gRPC client against a stand-in core served by connect-node, so that every answer the client
// must understand (a message, a message larger than one HTTP/2 frame, an error with ErrorDetail, no answer, no
// core) comes from the reference implementation of the protocol rather than from this client's assumptions.

const { getSystemStatus, getErrorCodeList } = PowerAuthService.method;

interface StandIn {
  url: string;
  seen: { authorization: string | null; timeout: string | null }[];
  /** Every HTTP/2 connection the stand-in has accepted. */
  sessions(): http2.ServerHttp2Session[];
  close(): Promise<void>;
}

/** GetSystemStatus answers or fails by the requested application name; GetErrorCodeList answers with `entries` codes. */
function routes(seen: StandIn["seen"]) {
  return (router: ConnectRouter) =>
    router.service(PowerAuthService, {
      async getSystemStatus(_request, context) {
        seen.push({ authorization: context.requestHeader.get("authorization"), timeout: context.requestHeader.get("grpc-timeout") });
        const mode = context.requestHeader.get("x-mode");
        if (mode === "recovery-failed") {
          const detail = create(ErrorDetailSchema, { code: "ERR0028", message: "Activation recovery failed", localizedMessage: "Obnova selhala", currentRecoveryPukIndex: 3n });
          throw new ConnectError("Activation recovery failed", Code.FailedPrecondition, undefined, [{ desc: ErrorDetailSchema, value: detail }]);
        }
        if (mode === "silent") await new Promise((resolve) => setTimeout(resolve, 5_000));
        return { status: "OK", applicationName: "powerauth-server", version: "1.0.0" };
      },
      async getErrorCodeList(request) {
        const entries = Number(request.language);
        return { errors: Array.from({ length: entries }, (_, i) => ({ code: `ERR${String(i).padStart(4, "0")}`, value: "x".repeat(100) })) };
      },
    });
}

async function startStandIn(port = 0): Promise<StandIn> {
  const seen: StandIn["seen"] = [];
  const server = http2.createServer(connectNodeAdapter({ routes: routes(seen) }));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const sessions = new Set<http2.ServerHttp2Session>();
  const accepted: http2.ServerHttp2Session[] = [];
  server.on("session", (session) => {
    accepted.push(session);
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    sessions: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

let standIn: StandIn;
let client: CoreClient;

beforeAll(async () => {
  standIn = await startStandIn();
  client = createCoreClient({ coreUrl: standIn.url, timeoutMs: 1_000 });
});

afterAll(async () => {
  client?.close();
  await standIn?.close();
});

afterEach(() => {
  standIn.seen.length = 0;
});

const headersWith = (mode: string) => {
  const headers = coreHeaders({ username: "soap-user", password: "soap-secret" });
  headers.set("x-mode", mode);
  return headers;
};

describe("createCoreClient", () => {
  it("sends the credentials and the deadline, and decodes the answer", async () => {
    const answer = (await client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("ok") })) as GetSystemStatusResponse;
    expect(answer).toMatchObject({ status: "OK", applicationName: "powerauth-server", version: "1.0.0" });
    expect(standIn.seen).toEqual([{ authorization: `Basic ${Buffer.from("soap-user:soap-secret").toString("base64")}`, timeout: "1000m" }]);
  });

  it("reassembles an answer spread over many HTTP/2 frames, and many calls at once on one connection", async () => {
    const calls = Array.from({ length: 20 }, () =>
      client.call(getErrorCodeList, create(GetErrorCodeListRequestSchema, { language: "2000" }), { headers: new Headers() }),
    );
    for (const answer of (await Promise.all(calls)) as GetErrorCodeListResponse[]) {
      expect(answer.errors).toHaveLength(2000);
      expect(answer.errors[1999]).toMatchObject({ code: "ERR1999", value: "x".repeat(100) });
    }
  });

  it("keeps one connection through more than a thousand calls (the server would end it after 1,000 frames on closed streams)", async () => {
    const before = standIn.sessions().length;
    for (let i = 0; i < 1_200; i++) {
      const answer = (await client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("ok") })) as GetSystemStatusResponse;
      expect(answer.status).toBe("OK");
    }
    expect(standIn.sessions().length).toBe(before);
    expect(standIn.sessions().at(-1)?.closed).toBe(false);
  });

  it("turns a core error into a ConnectError that keeps its code, message and ErrorDetail with the PUK index", async () => {
    const failure = await client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("recovery-failed") }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectError);
    const error = failure as ConnectError;
    expect(error.code).toBe(Code.FailedPrecondition);
    expect(error.rawMessage).toBe("Activation recovery failed");
    expect(error.findDetails(ErrorDetailSchema)).toEqual([
      expect.objectContaining({ code: "ERR0028", message: "Activation recovery failed", localizedMessage: "Obnova selhala", currentRecoveryPukIndex: 3n }),
    ]);
  });

  it("gives up with DeadlineExceeded when the core does not answer in time, and Canceled when the caller aborts", async () => {
    const late = await client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("silent") }).catch((error: unknown) => error);
    expect(ConnectError.from(late).code).toBe(Code.DeadlineExceeded);
    const controller = new AbortController();
    const aborted = client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("silent"), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(ConnectError.from(await aborted.catch((error: unknown) => error)).code).toBe(Code.Canceled);
  });

  it("answers Unavailable while the core is down and connects again once it is back", async () => {
    const port = Number(new URL(standIn.url).port);
    await standIn.close();
    const down = await client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("ok") }).catch((error: unknown) => error);
    expect(ConnectError.from(down).code).toBe(Code.Unavailable);
    standIn = await startStandIn(port);
    const answer = (await client.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: headersWith("ok") })) as GetSystemStatusResponse;
    expect(answer.status).toBe("OK");
  });

  it("refuses calls after close", async () => {
    const closed = createCoreClient({ coreUrl: standIn.url });
    closed.close();
    const refused = await closed.call(getSystemStatus, create(GetSystemStatusRequestSchema), { headers: new Headers() }).catch((error: unknown) => error);
    expect(ConnectError.from(refused).code).toBe(Code.Unavailable);
  });
});
