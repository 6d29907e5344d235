import type { ConnectRouter } from "@connectrpc/connect";
import { createRegistry, toBinary } from "@bufbuild/protobuf";
import type { DescFile, DescService, Registry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { ServerReflection as ServerReflectionV1 } from "@powerauth/proto/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1Alpha } from "@powerauth/proto/grpc/reflection/v1alpha/reflection_pb.js";

type ReflectionQuery =
  | { case: "fileByFilename"; value: string }
  | { case: "fileContainingSymbol"; value: string }
  | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
  | { case: "allExtensionNumbersOfType"; value: string }
  | { case: "listServices"; value: string }
  | { case: undefined; value?: undefined };

type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

const NOT_FOUND = 5;

/**
 * gRPC server reflection (v1 and the v1alpha that older grpcurl builds ask for), so a generic client can list
 * the services and call them without the .proto files.
 */
export function registerReflection(router: ConnectRouter, services: DescService[]): void {
  const files = new Map<string, DescFile>();
  services.forEach((service) => collectFiles(service.file, files));
  const catalogue: Catalogue = { files, registry: createRegistry(...files.values()), serviceNames: services.map((s) => s.typeName) };
  const answer = (query: ReflectionQuery) => answerQuery(catalogue, query);
  router.service(ServerReflectionV1, {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        yield { validHost: request.host, originalRequest: request, messageResponse: answer(request.messageRequest) };
      }
    },
  });
  router.service(ServerReflectionV1Alpha, {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        yield { validHost: request.host, originalRequest: request, messageResponse: answer(request.messageRequest) };
      }
    },
  });
}

interface Catalogue {
  files: Map<string, DescFile>;
  registry: Registry;
  serviceNames: string[];
}

function answerQuery({ files, registry, serviceNames }: Catalogue, query: ReflectionQuery): ReflectionAnswer {
  switch (query.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: serviceNames.map((name) => ({ name })) } };
    case "fileByFilename": {
      const file = files.get(query.value);
      return file ? filesAnswer(file) : notFound(`file ${query.value}`);
    }
    case "fileContainingSymbol": {
      const file = fileOfSymbol(registry, query.value);
      return file ? filesAnswer(file) : notFound(`symbol ${query.value}`);
    }
    case "fileContainingExtension": {
      const extendee = registry.getMessage(query.value.containingType);
      const extension = extendee && registry.getExtensionFor(extendee, query.value.extensionNumber);
      return extension ? filesAnswer(extension.file) : notFound(`extension ${query.value.extensionNumber}`);
    }
    case "allExtensionNumbersOfType": {
      const message = registry.getMessage(query.value);
      if (!message) return notFound(`type ${query.value}`);
      const numbers: number[] = [];
      for (const type of registry) if (type.kind === "extension" && type.extendee.typeName === query.value) numbers.push(type.number);
      return { case: "allExtensionNumbersResponse", value: { baseTypeName: query.value, extensionNumber: numbers } };
    }
    default:
      return { case: "errorResponse", value: { errorCode: 3, errorMessage: "empty reflection request" } };
  }
}

/** A method symbol (`pkg.Service.Method`) resolves to its service's file. */
function fileOfSymbol(registry: Registry, symbol: string): DescFile | undefined {
  const direct = registry.get(symbol);
  if (direct) return direct.file;
  const parent = registry.getService(symbol.slice(0, symbol.lastIndexOf(".")));
  return parent?.methods.some((method) => `${parent.typeName}.${method.name}` === symbol) ? parent.file : undefined;
}

function collectFiles(file: DescFile, into: Map<string, DescFile>): void {
  if (into.has(file.proto.name)) return;
  into.set(file.proto.name, file);
  file.dependencies.forEach((dependency) => collectFiles(dependency, into));
}

/** The file and everything it imports, so the client can build its descriptor pool in one answer. */
function filesAnswer(file: DescFile): ReflectionAnswer {
  const seen = new Map<string, DescFile>();
  collectFiles(file, seen);
  return {
    case: "fileDescriptorResponse",
    value: { fileDescriptorProto: [...seen.values()].map((entry) => toBinary(FileDescriptorProtoSchema, entry.proto)) },
  };
}

function notFound(what: string): ReflectionAnswer {
  return { case: "errorResponse", value: { errorCode: NOT_FOUND, errorMessage: `${what} not found` } };
}
