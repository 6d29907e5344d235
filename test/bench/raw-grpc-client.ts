import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";

/**
 * The cheapest gRPC client there is: one HTTP/2 connection, each request's bytes serialized and framed before the
 * timed run, the answer decoded only as far as the check needs. A client library would spend as much CPU per call
 * as the core's transport, on the same two CPUs.
 */
export class RawGrpcClient {
  private readonly url: string;
  private session: http2.ClientHttp2Session | undefined;

  constructor(url: string) {
    this.url = url;
  }

  /** The connection, opened again when the core closed it (it closes idle ones, e.g. while requests are prepared). */
  private connection(): http2.ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      const session = http2.connect(this.url);
      session.on("error", () => {});
      session.on("goaway", () => {
        if (this.session === session) this.session = undefined;
        session.close();
      });
      this.session = session;
    }
    return this.session;
  }

  /** A prepared call: the method's path and the framed request message. */
  static frame<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>): PreparedCall<O> {
    const message = toBinary(method.input, create(method.input, request));
    const framed = Buffer.alloc(5 + message.length);
    framed.writeUInt32BE(message.length, 1);
    framed.set(message, 5);
    return { path: `/${method.parent.typeName}/${method.name}`, body: framed, output: method.output };
  }

  /** Sends a prepared call; resolves with the answer, rejects on a non-OK status. */
  call<O extends DescMessage>(prepared: PreparedCall<O>): Promise<MessageShape<O>> {
    return new Promise((resolve, reject) => {
      const stream = this.connection().request({ ":method": "POST", ":path": prepared.path, "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      let status: string | undefined;
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("trailers", (trailers) => {
        status = String(trailers["grpc-status"]);
      });
      stream.on("error", reject);
      stream.on("close", () => {
        if (status !== "0") return reject(new Error(`grpc-status ${status}`));
        resolve(fromBinary(prepared.output, Buffer.concat(chunks).subarray(5)));
      });
      stream.end(prepared.body);
    });
  }

  close(): void {
    this.session?.close();
  }
}

export interface PreparedCall<O extends DescMessage> {
  path: string;
  body: Buffer;
  output: O;
}

