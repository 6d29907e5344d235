// Raw HTTP/1.1 over a TCP socket, for tests that need what fetch() hides: a client that writes its whole body
// before reading (as many HTTP libraries do), slow or stalled senders, and when exactly the server closes.

import { connect } from "node:net";
import type { Socket } from "node:net";

export interface RawExchange {
  /** Everything the server sent, as text. */
  readonly response: string;
  /** The status code of the first response line, 0 if none arrived. */
  readonly status: number;
  /** Set when writing or reading failed (EPIPE, ECONNRESET): the server reset instead of answering. */
  readonly error?: string;
}

/** Opens a connection to the URL's host and port. */
export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Writes `head` and all of `body` (waiting for the socket to drain, never reading meanwhile), then reads until
 * the server closes. `chunkBytes` is the write size; each write waits for the previous one, like a blocking client.
 */
export async function sendAllThenRead(url: string, head: string, body: Buffer, chunkBytes = 64 * 1024): Promise<RawExchange> {
  const socket = await openSocket(url);
  const received: Buffer[] = [];
  let error: string | undefined;
  socket.pause();
  socket.on("error", (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  try {
    await write(socket, Buffer.from(head));
    for (let offset = 0; offset < body.length && error === undefined; offset += chunkBytes) {
      await write(socket, body.subarray(offset, offset + chunkBytes));
    }
  } catch (e) {
    error ??= (e as NodeJS.ErrnoException).code ?? String(e);
  }
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  socket.resume();
  await closed;
  const response = Buffer.concat(received).toString("utf8");
  return { response, status: statusOf(response), ...(error !== undefined && { error }) };
}

/** Writes and resolves once the chunk is handed to the kernel (or rejects when the socket failed). */
function write(socket: Socket, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) {
      reject(new Error("socket closed"));
      return;
    }
    socket.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Writes `head` (and optionally more pieces with pauses), then waits until the server closes the connection.
 * Resolves with what it answered and how long after the last write the close came.
 */
export async function sendAndAwaitClose(url: string, pieces: readonly string[], pauseMs = 0): Promise<{ response: string; status: number; closedAfterMs: number }> {
  const socket = await openSocket(url);
  const received: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  for (const piece of pieces) {
    if (socket.destroyed) break;
    socket.write(piece);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  const lastWrite = performance.now();
  await closed;
  const response = Buffer.concat(received).toString("utf8");
  return { response, status: statusOf(response), closedAfterMs: performance.now() - lastWrite };
}

function statusOf(response: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : 0;
}

/** The body after the blank line (no chunked decoding: the gateways answer with Content-Length). */
export function bodyOf(response: string): string {
  const start = response.indexOf("\r\n\r\n");
  return start < 0 ? "" : response.slice(start + 4);
}

/**
 * A slowloris: sends `text` one byte every `intervalMs`, starting over when it runs out, until the server
 * closes the connection. Resolves with what the server answered and how long after connecting it closed.
 */
export async function trickleUntilClosed(url: string, text: string, intervalMs: number): Promise<{ status: number; closedAfterMs: number }> {
  const socket = await openSocket(url);
  const started = performance.now();
  const received: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  socket.on("error", () => {});
  let position = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(text[position++ % text.length]);
  }, intervalMs);
  await new Promise<void>((resolve) => socket.once("close", () => resolve()));
  clearInterval(timer);
  return { status: statusOf(Buffer.concat(received).toString("utf8")), closedAfterMs: performance.now() - started };
}

/** Chunked transfer coding of `body` in 64 KiB chunks. */
export function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 64 * 1024) {
    const chunk = body.subarray(offset, offset + 64 * 1024);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
}
