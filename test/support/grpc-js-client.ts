import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, DescMethodUnary, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";

/**
 * A plain @grpc/grpc-js client (the library most gRPC users in Node have), driven by the generated
 * descriptors, to prove the core interoperates with an implementation other than Connect's.
 */
export class GrpcJsClient {
  readonly #client: grpc.Client;

  constructor(coreUrl: string) {
    this.#client = new grpc.Client(new URL(coreUrl).host, grpc.credentials.createInsecure());
  }

  unary<I extends DescMessage, O extends DescMessage>(
    service: DescService,
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    metadata: Record<string, string> = {},
  ): Promise<MessageShape<O>> {
    const grpcMetadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(metadata)) grpcMetadata.set(key, value);
    return new Promise((resolve, reject) => {
      const message: MessageShape<I> = create(method.input, request);
      this.#client.makeUnaryRequest<MessageShape<I>, MessageShape<O>>(
        `/${service.typeName}/${method.name}`,
        (input) => Buffer.from(toBinary(method.input, input)),
        (bytes) => fromBinary(method.output, bytes),
        message,
        grpcMetadata,
        (error: grpc.ServiceError | null, response?: MessageShape<O>) =>
          error || !response ? reject(error) : resolve(response),
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}

export type GrpcJsError = grpc.ServiceError;
export const GrpcStatus = grpc.status;
