import type http from "node:http";
import type http2 from "node:http2";
import { Code, ConnectError, createConnectRouter, createServiceImplSpec } from "@connectrpc/connect";
import type { ConnectRouter, ContextValues, Interceptor } from "@connectrpc/connect";
import type { Compression, UniversalHandler } from "@connectrpc/connect/protocol";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { discardRest } from "../http1/listener-limits.ts";
import type { Logger } from "../logger.ts";
import { createUnaryGrpcServer } from "./grpc-unary.ts";
import type { UnaryMethodSpec } from "./grpc-unary.ts";
import { screenUnaryRequestBody } from "./malformed-request.ts";

export type NodeRequest = http.IncomingMessage | http2.Http2ServerRequest;
export type NodeResponse = http.ServerResponse | http2.Http2ServerResponse;

export interface RpcHandlerOptions {
  /** Registers the services, as for Connect's router. */
  routes(router: ConnectRouter): void;
  /** Run around every call, whichever path serves it. */
  interceptors: Interceptor[];
  contextValues(request: NodeRequest): ContextValues;
  readMaxBytes: number;
  log: Logger;
}

/** What connect-node accepts by default; kept, so clients that compress keep working. */
const ACCEPTED_COMPRESSION: Compression[] = [compressionGzip, compressionBrotli];

/**
 * The core's request handler for both HTTP versions. Unary gRPC over HTTP/2 (uncompressed binary, what the
 * gateways and most internal callers send) is served by the lean path of grpc-unary.ts; everything else — Connect,
 * gRPC-Web, JSON, compressed calls, streaming (health Watch, reflection) — by Connect's own handlers, as
 * connect-node's adapter would, after a unary binary body has been checked for a malformed message. Both paths take
 * the same service implementations from one router and run the same interceptors.
 */
export function createRpcHandler(options: RpcHandlerOptions): (request: NodeRequest, response: NodeResponse) => void {
  const router = createConnectRouter({ interceptors: options.interceptors, readMaxBytes: options.readMaxBytes, acceptCompression: ACCEPTED_COMPRESSION });
  const unaryMethods = new Map<string, UnaryMethodSpec>();
  options.routes(recordingUnaryMethods(router, unaryMethods));
  const handlers = new Map<string, UniversalHandler>(router.handlers.map((handler) => [handler.requestPath, handler]));
  const serveUnaryGrpc = createUnaryGrpcServer(unaryMethods, {
    interceptors: options.interceptors,
    readMaxBytes: options.readMaxBytes,
    contextValues: options.contextValues,
  });
  return (request, response) => {
    if (isHttp2(request) && serveUnaryGrpc(request, response as http2.Http2ServerResponse)) return;
    const handler = handlers.get(request.url?.split("?", 1)[0] ?? "");
    if (!handler) {
      response.statusCode = 404;
      response.end();
      return;
    }
    const universal = universalRequestFromNodeRequest(request, response, undefined, options.contextValues(request));
    const body = isHttp2(request) ? universal.body : bodyDrainedAfterAnswer(request, response);
    screenUnaryRequestBody({ ...universal, body }, handler.method, ACCEPTED_COMPRESSION, options.readMaxBytes)
      .then(handler)
      .then((answer) => universalResponseToNodeResponse(answer, response))
      .catch((reason: unknown) => {
        // As connect-node's adapter: an aborted call needs no word; anything else is a transport failure.
        if (ConnectError.from(reason).code === Code.Aborted) return;
        options.log.error(`handler for ${handler.service.typeName}/${handler.method.name} failed`, reason);
      });
  };
}

/**
 * The HTTP/1.1 body as Connect reads it, except when Connect answers before the body's end (over the size limit):
 * then the request is not destroyed — that would reset the connection under a client still sending, which would
 * never read the answer — but, once the answer is out, the rest is read and dropped (bounded, see discardRest).
 */
function bodyDrainedAfterAnswer(request: http.IncomingMessage, response: NodeResponse): AsyncIterable<Uint8Array> {
  const reading = request.iterator({ destroyOnReturn: false });
  response.once("finish", () => {
    if (request.complete) return;
    // Ends the reader Connect abandoned (its listeners go, the stream stays), lets the rest flow away, then closes:
    // the connection is in no state to carry another request.
    void reading.return?.().finally(() => discardRest(request).then(() => request.socket.end()));
  });
  return { [Symbol.asyncIterator]: () => reading };
}

function isHttp2(request: NodeRequest): request is http2.Http2ServerRequest {
  return request.httpVersionMajor === 2;
}

/**
 * The router as routes() sees it, noting each unary method's implementation for the lean gRPC path on the way.
 * Services registered with options of their own (none today) stay with Connect alone, which applies them.
 */
function recordingUnaryMethods(router: ConnectRouter, unaryMethods: Map<string, UnaryMethodSpec>): ConnectRouter {
  const recording: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service(service, implementation, serviceOptions) {
      if (serviceOptions === undefined) {
        for (const spec of Object.values(createServiceImplSpec(service, implementation).methods)) {
          if (spec.kind === "unary") unaryMethods.set(`/${service.typeName}/${spec.method.name}`, spec);
        }
      }
      router.service(service, implementation, serviceOptions);
      return recording;
    },
    rpc(method, implementation, methodOptions) {
      router.rpc(method, implementation, methodOptions);
      return recording;
    },
  };
  return recording;
}
