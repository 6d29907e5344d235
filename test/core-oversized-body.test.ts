import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreForTest } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { bodyOf, chunked, sendAllThenRead } from "./support/raw-http.ts";

// A body over the core's 1 MiB message limit over HTTP/1.1 (Connect, gRPC-Web), declared or chunked, is answered
// with the protocol's own "too large" error even to a client that writes all of it before reading: the rest of the
// body is read and dropped instead of the connection being reset under the client (#13 §3).

let t: CoreUnderTest;

beforeAll(async () => {
  t = await startCoreForTest();
});

afterAll(async () => {
  await t?.close();
});

const TEN_MB = Buffer.alloc(10 * 1024 * 1024, 0x0a);

function head(extra: string, contentType = "application/proto"): string {
  const { host } = new URL(t.core.url);
  return `POST /powerauth.v3.PowerAuthService/GetSystemStatus HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\n${extra}\r\n`;
}

describe("the core's HTTP/1.1 listener and a body over the message limit", () => {
  it.each([
    ["declared", `Content-Length: ${TEN_MB.length}\r\n`, TEN_MB],
    ["chunked", "Transfer-Encoding: chunked\r\n", chunked(TEN_MB)],
  ] as const)("answers a %s 10 MB Connect body with resource_exhausted, never a reset", async (_, framing, body) => {
    const answer = await sendAllThenRead(t.core.url, head(framing), body);
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(429);
    expect(JSON.parse(bodyOf(answer.response))).toMatchObject({ code: "resource_exhausted" });
  });
});
