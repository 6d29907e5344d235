// The gRPC length-prefixed message: one flag byte (0 = uncompressed) and a 4-byte big-endian length, then the
// message. Shared by the core's lean unary path and the SOAP gateway's core client, which both speak it directly.

export const ENVELOPE_HEADER_BYTES = 5;

/** `message` as one uncompressed gRPC envelope. */
export function envelope(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, ENVELOPE_HEADER_BYTES);
  return framed;
}
