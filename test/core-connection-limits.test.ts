import http2 from "node:http2";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { basicAuth, startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";

// Short limits so every case ends in seconds; the bounds below are generous multiples of them.
const LIMITS = {
  http2MaxConcurrentStreams: 5,
  maxOpenStreams: 8,
  maxHeaderBytes: 4096,
  streamIdleTimeoutMs: 800,
  idleTimeoutMs: 1200,
  headersTimeoutMs: 600,
  requestTimeoutMs: 1200,
};
const CLOSED_WITHIN_MS = 10_000;

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

let t: CoreUnderTest;

beforeAll(async () => {
  t = await startCoreForTest(LIMITS);
});

afterAll(async () => {
  await t?.close();
});

/** A GetSystemStatus on a connection of its own, as any well-behaved caller makes it while the others misbehave. */
async function normalCallSucceeds(): Promise<void> {
  const client = createClient(PowerAuthService, createGrpcTransport({ baseUrl: t.core.url }));
  expect((await client.getSystemStatus({})).status).toBe("OK");
}

/**
 * Resolves with the arguments of the next `event`, fails if it takes longer than CLOSED_WITHIN_MS. Unlike
 * events.once it ignores 'error' (a reset socket still closes); callers add an error listener.
 */
function within<T extends unknown[]>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${CLOSED_WITHIN_MS} ms`)), CLOSED_WITHIN_MS);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

describe("core HTTP/2 limits", () => {
  it("advertises its stream and header limits and refuses streams beyond the first", async () => {
    const client = http2.connect(t.core.url).on("error", () => {});
    await within(client, "remoteSettings");
    expect(client.remoteSettings.maxConcurrentStreams).toBe(LIMITS.http2MaxConcurrentStreams);
    expect(client.remoteSettings.maxHeaderListSize).toBe(LIMITS.maxHeaderBytes);
    client.close();

    // Node's client would queue the excess itself; a raw client that ignores the setting proves the server refuses.
    const raw = await RawHttp2Client.connect(t.core.port);
    const ids = [1, 3, 5, 7, 9, 11, 13, 15];
    raw.openStreams(ids, "/grpc.health.v1.Health/Check");
    const refused = await raw.waitForResets((resets) => resets.filter((r) => r.code === NGHTTP2_REFUSED_STREAM).length >= 3);
    expect(refused.filter((r) => r.code === NGHTTP2_REFUSED_STREAM).map((r) => r.streamId)).toEqual([11, 13, 15]);
    await normalCallSucceeds();

    // The five it accepted never finish their request: each is reset once the stream timeout passes.
    const all = await raw.waitForResets((resets) => resets.length >= ids.length);
    expect(all.filter((r) => r.code === NGHTTP2_CANCEL).map((r) => r.streamId).sort((a, b) => a - b)).toEqual([1, 3, 5, 7, 9]);
    raw.destroy();
  });

  it("refuses streams beyond the limit over all connections until open ones end", async () => {
    const first = await RawHttp2Client.connect(t.core.port);
    first.openStreams([1, 3, 5, 7, 9], "/grpc.health.v1.Health/Check");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await RawHttp2Client.connect(t.core.port);
    second.openStreams([1, 3, 5, 7, 9], "/grpc.health.v1.Health/Check");
    const refused = await second.waitForResets((resets) => resets.length >= 2);
    expect(refused.slice(0, 2)).toEqual([7, 9].map((streamId) => ({ streamId, code: NGHTTP2_REFUSED_STREAM })));
    expect(first.resets).toEqual([]);
    // Once the stream timeout has reset the never-finished ones, a normal call gets through again.
    await first.waitForResets((resets) => resets.length === 5);
    await second.waitForResets((resets) => resets.length === 5);
    await normalCallSucceeds();
    first.destroy();
    second.destroy();
  });

  it("resets streams whose request never finishes, also those the client queued behind the limit", async () => {
    const client = http2.connect(t.core.url).on("error", () => {});
    await within(client, "remoteSettings");
    const streams = Array.from({ length: LIMITS.http2MaxConcurrentStreams + 3 }, () => {
      const stream = client.request(
        { ":method": "POST", ":path": "/powerauth.v3.PowerAuthService/GetSystemStatus", "content-type": "application/grpc", te: "trailers" },
        { endStream: false },
      );
      stream.on("error", () => {});
      // Half a gRPC message header, then silence.
      stream.write(Buffer.from([0, 0]));
      return stream;
    });
    const closed = Promise.all(streams.map((stream) => within(stream, "close")));
    await normalCallSucceeds();
    await closed;
    expect(streams.map((stream) => stream.rstCode)).toEqual(streams.map(() => NGHTTP2_CANCEL));
    client.close();
  });

  it("resets a stream whose headers exceed the header list limit", async () => {
    // The limit binds once the client acknowledged it; Node's client might also refuse to send such headers itself.
    const raw = await RawHttp2Client.connect(t.core.port, { acknowledgeSettings: true });
    await raw.settingsAcknowledged;
    raw.openStreams([1], "/grpc.health.v1.Health/Check", { "x-filler": "a".repeat(LIMITS.maxHeaderBytes * 2) });
    const [reset] = await raw.waitForResets((resets) => resets.length > 0);
    expect(reset).toEqual({ streamId: 1, code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM });
    expect(raw.responseHeaders).toBe(0);
    raw.destroy();
    await normalCallSucceeds();
  });

  it("closes a connection that opens no stream", async () => {
    const client = http2.connect(t.core.url).on("error", () => {});
    const [code] = await within<[number]>(client, "goaway");
    expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await within(client, "close");
    await normalCallSucceeds();
  });

  it("keeps a connection open while it carries a health Watch stream", async () => {
    const client = http2.connect(t.core.url).on("error", () => {});
    const watch = client.request({ ":method": "POST", ":path": "/grpc.health.v1.Health/Watch", "content-type": "application/grpc", te: "trailers" });
    // One empty HealthCheckRequest (service ""): flag 0, length 0.
    watch.end(Buffer.alloc(5));
    await within(watch, "data");
    let goaway = false;
    client.on("goaway", () => (goaway = true));
    await new Promise((resolve) => setTimeout(resolve, LIMITS.idleTimeoutMs + LIMITS.streamIdleTimeoutMs + 1000));
    expect(goaway).toBe(false);
    expect(watch.closed).toBe(false);
    watch.close();
    // With its last stream gone the connection is idle again, and closed.
    await within(client, "close");
  });
});

describe("core HTTP/1.1 and connection limits", () => {
  it("closes a connection that never sends a byte", async () => {
    const socket = net.connect(t.core.port, "127.0.0.1").on("error", () => {});
    await within(socket, "connect");
    await within(socket, "close");
    await normalCallSucceeds();
  });

  it("closes a slowloris request that never finishes its headers", async () => {
    const socket = net.connect(t.core.port, "127.0.0.1").on("error", () => {});
    await within(socket, "connect");
    socket.write("POST /powerauth.v3.PowerAuthService/GetSystemStatus HTTP/1.1\r\nHost: core\r\n");
    const drip = setInterval(() => socket.write("X-Slow: 1\r\n"), 100);
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    try {
      await within(socket, "close");
    } finally {
      clearInterval(drip);
    }
    expect(Buffer.concat(received).toString("latin1")).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a request whose body stalls", async () => {
    const socket = net.connect(t.core.port, "127.0.0.1").on("error", () => {});
    await within(socket, "connect");
    socket.write(
      "POST /powerauth.v3.PowerAuthService/GetSystemStatus HTTP/1.1\r\nHost: core\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    await within(socket, "close");
    expect(Buffer.concat(received).toString("latin1")).toMatch(/^HTTP\/1\.1 408 /);
    await normalCallSucceeds();
  });

  it("answers a request and then closes the idle keep-alive connection", async () => {
    const socket = net.connect(t.core.port, "127.0.0.1").on("error", () => {});
    await within(socket, "connect");
    socket.write(
      "POST /powerauth.v3.PowerAuthService/GetSystemStatus HTTP/1.1\r\nHost: core\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    );
    const [first] = await within<[Buffer]>(socket, "data");
    expect(first.toString("latin1")).toMatch(/^HTTP\/1\.1 200 /);
    await within(socket, "close");
  });

  it("closes connections beyond CORE_MAX_CONNECTIONS at once and serves again when one ends", async () => {
    const limited = await startCoreForTest({ maxConnections: 2, headersTimeoutMs: 30_000, requestTimeoutMs: 30_000 });
    try {
      const held = [1, 2].map(() => net.connect(limited.core.port, "127.0.0.1").on("error", () => {}));
      await Promise.all(held.map((socket) => within(socket, "connect")));
      // The listener counts a connection once it accepted it; give it a moment to accept both.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const extra = net.connect(limited.core.port, "127.0.0.1").on("error", () => {});
      await within(extra, "close");
      expect(held.every((socket) => !socket.destroyed)).toBe(true);
      held[0].destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const client = createClient(PowerAuthService, createGrpcTransport({ baseUrl: limited.core.url }));
      expect((await client.getSystemStatus({})).status).toBe("OK");
      held[1].destroy();
    } finally {
      await limited.close();
    }
  });
});

describe("core admin API under a wrong-password flood", () => {
  it("turns away logins beyond its hashing capacity with UNAVAILABLE, checks the others, and keeps serving", async () => {
    // One hashing thread and no queue, so that a handful of concurrent logins already saturates it. The login
    // throttles (failures and checks in flight per username and address) are set out of the way: this test is
    // about the pool's own bound, which must hold even when they let a flood through.
    const flooded = await startCoreForTest({
      argon2Threads: 1,
      argon2MaxQueue: 0,
      adminLoginMaxFailures: 1_000,
      adminLoginMaxFailuresPerAddress: 1_000,
      adminLoginMaxInFlight: 1_000,
    });
    try {
      const transport = createGrpcTransport({ baseUrl: flooded.core.url, interceptors: [basicAuth(TEST_ADMIN.username, "wrong-password")] });
      const attacker = createClient(AdminService, transport);
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => attacker.listApplications({})));
      const codes = outcomes.map((outcome) => (outcome.status === "rejected" ? ConnectError.from(outcome.reason).code : "ok"));
      expect(codes).toContain(Code.Unauthenticated);
      expect(codes).toContain(Code.Unavailable);
      expect(codes.every((code) => code === Code.Unauthenticated || code === Code.Unavailable)).toBe(true);
      // The flood is over: the right password gets in, and the PowerAuth service never stopped answering.
      expect((await flooded.admin.listApplications({})).applications).toBeDefined();
      const client = createClient(PowerAuthService, createGrpcTransport({ baseUrl: flooded.core.url }));
      expect((await client.getSystemStatus({})).status).toBe("OK");
    } finally {
      await flooded.close();
    }
  });
});

interface Reset {
  streamId: number;
  code: number;
}

/**
 * Just enough HTTP/2 on a bare socket to open streams regardless of the server's SETTINGS (Node's own client
 * obeys them) and to collect the server's RST_STREAM frames.
 */
class RawHttp2Client {
  readonly resets: Reset[] = [];
  /** HEADERS frames the server sent, i.e. responses. */
  responseHeaders = 0;
  readonly settingsAcknowledged: Promise<void>;
  private acknowledge: (() => void) | undefined;
  private buffered = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();
  private readonly socket: net.Socket;
  private readonly port: number;

  private constructor(socket: net.Socket, port: number, acknowledgeSettings: boolean) {
    this.socket = socket;
    this.port = port;
    this.settingsAcknowledged = new Promise<void>((resolve) => {
      if (acknowledgeSettings) this.acknowledge = resolve;
    });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => {});
  }

  /**
   * Sends the preface and an empty SETTINGS frame. Unless told to, it never acknowledges the server's SETTINGS
   * (the server then refuses excess streams one by one instead of failing the whole connection).
   */
  static async connect(port: number, options: { acknowledgeSettings?: boolean } = {}): Promise<RawHttp2Client> {
    const socket = net.connect(port, "127.0.0.1").on("error", () => {});
    await within(socket, "connect");
    const client = new RawHttp2Client(socket, port, options.acknowledgeSettings ?? false);
    socket.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), frame(0x4, 0, 0, Buffer.alloc(0))]));
    return client;
  }

  /** HEADERS without END_STREAM: a gRPC request whose body never comes. */
  openStreams(ids: number[], path: string, extra: Record<string, string> = {}): void {
    const authority = `127.0.0.1:${this.port}`;
    const block = Buffer.concat([
      Buffer.from([0x83, 0x86]), // :method POST, :scheme http (HPACK static table)
      literal(0x04, path), // :path
      literal(0x01, authority), // :authority
      Buffer.from([0x0f, 0x10]), // content-type (static index 31) …
      stringLiteral("application/grpc"),
      Buffer.from([0x00]),
      stringLiteral("te"),
      stringLiteral("trailers"),
      ...Object.entries(extra).flatMap(([name, value]) => [Buffer.from([0x00]), stringLiteral(name), stringLiteral(value)]),
    ]);
    this.socket.write(Buffer.concat(ids.map((id) => frame(0x1, 0x4, id, block))));
  }

  async waitForResets(done: (resets: Reset[]) => boolean): Promise<Reset[]> {
    const deadline = AbortSignal.timeout(CLOSED_WITHIN_MS);
    while (!done(this.resets)) {
      if (deadline.aborted) throw new Error(`only ${JSON.stringify(this.resets)} after ${CLOSED_WITHIN_MS} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        setTimeout(resolve, 100);
      });
    }
    return [...this.resets];
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 9) {
      const length = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < 9 + length) break;
      const type = this.buffered[3];
      const streamId = this.buffered.readUInt32BE(5) & 0x7fffffff;
      const flags = this.buffered[4];
      if (type === 0x3) this.resets.push({ streamId, code: this.buffered.readUInt32BE(9) });
      if (type === 0x1) this.responseHeaders++;
      if (type === 0x4 && (flags & 0x1) === 0 && this.acknowledge) {
        this.socket.write(frame(0x4, 0x1, 0, Buffer.alloc(0)));
        this.acknowledge();
      }
      this.buffered = this.buffered.subarray(9 + length);
    }
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** HPACK literal header field without indexing, name from the static table (index < 15). */
function literal(nameIndex: number, value: string): Buffer {
  return Buffer.concat([Buffer.from([nameIndex]), stringLiteral(value)]);
}

/** HPACK string literal without Huffman coding: its length as a 7-bit-prefix integer, then the bytes. */
function stringLiteral(value: string): Buffer {
  const length: number[] = [];
  if (value.length < 0x7f) {
    length.push(value.length);
  } else {
    length.push(0x7f);
    let rest = value.length - 0x7f;
    for (; rest >= 0x80; rest >>= 7) length.push((rest & 0x7f) | 0x80);
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), Buffer.from(value, "latin1")]);
}
