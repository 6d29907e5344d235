import http2 from "node:http2";
import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreProcess } from "./support/core-process.ts";
import type { CoreProcess } from "./support/core-process.ts";
import { createScratchDatabase, testDatabaseServerUrl } from "./support/database.ts";

// Connections that never finish, in bulk, against a real core process with short limits: 200 idle TCP
// connections, 50 slowloris requests, 50 stalled 1 MB bodies and 3,000 half-open HTTP/2 streams over 30
// connections, all at once, in five waves. test/core-connection-limits.test.ts proves each limit on a single
// connection; this proves them at the scale of an attack: a normal call still answers promptly, the server
// closes every one of them itself, and the process stops growing once V8 has sized its heap.

const LIMITS = {
  CORE_HEADERS_TIMEOUT_MS: "1000",
  CORE_REQUEST_TIMEOUT_MS: "1500",
  CORE_IDLE_TIMEOUT_MS: "1000",
  CORE_STREAM_IDLE_TIMEOUT_MS: "1000",
  CORE_HTTP2_MAX_CONCURRENT_STREAMS: "100",
  CORE_MAX_CONNECTIONS: "1000",
  CORE_MAX_OPEN_STREAMS: "10000",
};
const IDLE_CONNECTIONS = 200;
const SLOWLORIS = 50;
const STALLED_BODIES = 50;
const HTTP2_CONNECTIONS = 30;
const STREAMS_PER_CONNECTION = 100;
/** Every abusive connection must be closed by the server within this (the limits above are 1–1.5 s). */
const CLOSED_WITHIN_MS = 15_000;
/** A normal call during the attack must answer within this. */
const NORMAL_CALL_WITHIN_MS = 2_000;
const WAVES = 5;
/** What the last two waves together may add to the resident memory the third left behind. */
const LATE_GROWTH_BYTES = 64 * 1024 * 1024;
/** How far above its quiet size the process may ever get (3,000 open streams alone hold ≈ 135 MB). */
const PEAK_GROWTH_BYTES = 512 * 1024 * 1024;

let database: { url?: string; drop(): Promise<void> };
let core: CoreProcess;

describe.runIf(testDatabaseServerUrl())("the core under a flood of connections that never finish", () => {
  beforeAll(async () => {
    database = await createScratchDatabase();
    core = await startCoreProcess({ DATABASE_URL: database.url ?? "", ...LIMITS });
  });

  afterAll(async () => {
    await core?.stop();
    await database?.drop();
  });

  it("serves normal calls promptly, closes every abusive connection itself and stops growing after a few waves", async () => {
    await normalCallMs();
    const baseline = core.residentBytes();
    const waves: (WaveResult & { rssAfter: number })[] = [];
    for (let i = 0; i < WAVES; i++) {
      const wave = await attackWave();
      waves.push({ ...wave, rssAfter: core.residentBytes() });
    }
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    const peak = Math.max(...waves.map((wave) => wave.peakRss));
    console.info(
      `[fault connection-flood] rss baseline=${mb(baseline)}MB peak=${mb(peak)}MB afterEachWave=${waves.map((wave) => mb(wave.rssAfter)).join("/")}MB ` +
        `slowestNormalCall=${Math.round(Math.max(...waves.map((wave) => wave.slowestNormalCallMs)))}ms closedIn=${waves.map((wave) => Math.round(wave.closedInMs)).join("/")}ms`,
    );
    for (const wave of waves) {
      expect(wave.slowestNormalCallMs).toBeLessThan(NORMAL_CALL_WITHIN_MS);
      expect(wave.notClosed).toEqual({ idle: 0, slowloris: 0, stalledBodies: 0, http2Streams: 0, http2Sessions: 0 });
    }
    // V8 grows its heap over the first waves and then reuses it; what a leak would show is growth that goes on.
    expect(waves[WAVES - 1].rssAfter - waves[WAVES - 3].rssAfter).toBeLessThan(LATE_GROWTH_BYTES);
    expect(peak - baseline).toBeLessThan(PEAK_GROWTH_BYTES);
    expect(core.process.process.exitCode).toBeNull();
  });
});

/** A GetSystemStatus on a connection of its own; its duration in ms. */
async function normalCallMs(): Promise<number> {
  const started = performance.now();
  const client = createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url }));
  expect((await client.getSystemStatus({}, { timeoutMs: 10_000 })).status).toBe("OK");
  return performance.now() - started;
}

interface WaveResult {
  slowestNormalCallMs: number;
  peakRss: number;
  closedInMs: number;
  notClosed: { idle: number; slowloris: number; stalledBodies: number; http2Streams: number; http2Sessions: number };
}

/** Opens every kind of abusive connection at once and waits until the server has closed them all (or the deadline passed). */
async function attackWave(): Promise<WaveResult> {
  const started = performance.now();
  const closed: Promise<unknown>[] = [];
  const pending = { idle: 0, slowloris: 0, stalledBodies: 0, http2Streams: 0, http2Sessions: 0 };
  const track = (kind: keyof typeof pending, emitter: NodeJS.EventEmitter) => {
    pending[kind]++;
    closed.push(new Promise<void>((resolve) => emitter.once("close", () => resolve(void pending[kind]--))));
  };
  const sockets: net.Socket[] = [];
  const drips: NodeJS.Timeout[] = [];
  const rawSocket = () => {
    // Reading whatever arrives (a 408) lets the socket see the server's FIN, and so its 'close'.
    const socket = net.connect(core.port, "127.0.0.1").on("error", () => {});
    socket.resume();
    sockets.push(socket);
    return socket;
  };

  for (let i = 0; i < IDLE_CONNECTIONS; i++) track("idle", rawSocket());
  for (let i = 0; i < SLOWLORIS; i++) {
    const socket = rawSocket();
    track("slowloris", socket);
    socket.write("POST /powerauth.v3.PowerAuthService/GetSystemStatus HTTP/1.1\r\nHost: core\r\n");
    const drip = setInterval(() => socket.writable && socket.write(`X-Slow-${i}: 1\r\n`), 200);
    socket.once("close", () => clearInterval(drip));
    drips.push(drip);
  }
  for (let i = 0; i < STALLED_BODIES; i++) {
    const socket = rawSocket();
    track("stalledBodies", socket);
    socket.write(`POST /powerauth.v3.PowerAuthService/GetSystemStatus HTTP/1.1\r\nHost: core\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
    socket.write(Buffer.alloc(64 * 1024, 0x20));
  }
  const sessions: http2.ClientHttp2Session[] = [];
  for (let c = 0; c < HTTP2_CONNECTIONS; c++) {
    const session = http2.connect(core.url).on("error", () => {});
    sessions.push(session);
    track("http2Sessions", session);
    for (let s = 0; s < STREAMS_PER_CONNECTION; s++) {
      const stream = session.request(
        { ":method": "POST", ":path": "/powerauth.v3.PowerAuthService/GetSystemStatus", "content-type": "application/grpc", te: "trailers" },
        { endStream: false },
      );
      stream.on("error", () => {});
      track("http2Streams", stream);
      // Half of a gRPC message header, then nothing.
      stream.write(Buffer.from([0, 0]));
    }
  }

  let peakRss = core.residentBytes();
  let slowestNormalCallMs = 0;
  const allClosed = Promise.all(closed).then(() => performance.now() - started);
  const deadline = new Promise<"deadline">((resolve) => setTimeout(() => resolve("deadline"), CLOSED_WITHIN_MS).unref());
  let outcome: number | "deadline" | undefined;
  void Promise.race([allClosed, deadline]).then((value) => (outcome = value));
  // Normal calls while the attack is on, until everything is closed.
  while (outcome === undefined) {
    slowestNormalCallMs = Math.max(slowestNormalCallMs, await normalCallMs());
    peakRss = Math.max(peakRss, core.residentBytes());
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const notClosed = { ...pending };
  for (const drip of drips) clearInterval(drip);
  for (const socket of sockets) socket.destroy();
  for (const session of sessions) session.destroy();
  return { slowestNormalCallMs, peakRss, closedInMs: outcome === "deadline" ? CLOSED_WITHIN_MS : outcome, notClosed };
}
