// The two SOAP services of the gateway (v3 and v2): each one's XSD, WSDL, proto service and operation bindings,
// loaded from the files next to this package. Dispatch is by the payload's namespace + local name.

import { readFileSync } from "node:fs";
import type { DescMethodUnary, DescService } from "@bufbuild/protobuf";
import { PowerAuthService as PowerAuthServiceV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { PowerAuthService as PowerAuthServiceV3 } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { UnknownOperationError } from "./faults.ts";
import { bindOperations } from "./mapping.ts";
import type { OperationBinding } from "./mapping.ts";
import { parseSchema } from "./xsd-model.ts";
import type { SchemaModel } from "./xsd-model.ts";
import type { XmlElement } from "./xml.ts";

export interface SoapService {
  readonly version: "v3" | "v2";
  readonly portType: string;
  /** File name under gateway-soap/wsdl/ and under the /soap/ URL path. */
  readonly wsdlFile: string;
  readonly schemaText: string;
  readonly schema: SchemaModel;
  readonly service: DescService;
  /** Bindings by request element local name (e.g. "GetSystemStatusRequest"). */
  readonly operations: ReadonlyMap<string, OperationBinding>;
}

const PACKAGE_ROOT = new URL("../", import.meta.url);

export const SERVICE_FILES = [
  { version: "v3", portType: "PowerAuthPortV3", xsd: "xsd/PowerAuth-3.0.xsd", wsdlFile: "serviceV3.wsdl", service: PowerAuthServiceV3 },
  { version: "v2", portType: "PowerAuthPortV2", xsd: "xsd/PowerAuth-2.0.xsd", wsdlFile: "serviceV2.wsdl", service: PowerAuthServiceV2 },
] as const;

/** Reads a file of this package (xsd/…, wsdl/…). */
export function readPackageFile(relative: string): string {
  return readFileSync(new URL(relative, PACKAGE_ROOT), "utf8");
}

/**
 * Loads both services and binds every operation to its RPC. Throws (ContractMismatchError) if the XSDs and the
 * proto contract have drifted apart, so the gateway refuses to start rather than mistranslate.
 */
export function loadSoapServices(): SoapService[] {
  return SERVICE_FILES.map((f) => {
    const schemaText = readPackageFile(f.xsd);
    const schema = parseSchema(schemaText);
    const methods = f.service.methods.filter((m): m is DescMethodUnary => m.methodKind === "unary");
    const bindings = bindOperations(schema, methods);
    return {
      version: f.version,
      portType: f.portType,
      wsdlFile: f.wsdlFile,
      schemaText,
      schema,
      service: f.service,
      operations: new Map(bindings.map((b) => [`${b.name}Request`, b])),
    };
  });
}

/** Finds the operation for a payload element by namespace and local name; throws UnknownOperationError. */
export function findOperation(services: readonly SoapService[], payload: XmlElement): { service: SoapService; op: OperationBinding } {
  const service = services.find((s) => s.schema.targetNamespace === payload.ns);
  const op = service?.operations.get(payload.local);
  if (!service || !op) {
    const namespaces = services.map((s) => s.schema.targetNamespace).join(" or ");
    throw new UnknownOperationError(
      `No operation for element {${payload.ns}}${payload.local}: the Body must contain a request element (…Request) of ${namespaces}`,
    );
  }
  return { service, op };
}
