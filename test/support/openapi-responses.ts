// Checks REST answers against the OpenAPI document the gateway serves (gateway-rest/src/openapi.ts). Used by
// the vitest setup hook (test/support/openapi-response-hook.ts), which checks every REST answer any test
// receives through fetch, and by the document's own tests.

import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { createOpenApiDocument } from "../../gateway-rest/src/openapi.ts";

type Operation = { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
};

/** The paths only the REST gateway serves: a JSON answer on one of these is a REST answer. */
const REST_PREFIXES = ["/admin/", "/v2/admin/", "/internal/"];

export interface ResponseChecker {
  /** Whether a path is one only the REST gateway serves. */
  isRestPath(path: string): boolean;
  /** Problems with one answer (empty when it matches the document); undefined when it is not a REST answer. */
  check(method: string, path: string, status: number, body: unknown): string[] | undefined;
  /** The documented operation for a method and a concrete path, as `METHOD /template`. */
  operationOf(method: string, path: string): string | undefined;
  /**
   * Problems with a plain-text answer of a path without parameters (the observability paths): its status must be
   * documented, and for GET its media type and body too; HEAD has no body.
   */
  checkText(method: string, path: string, status: number, contentType: string | null, body: string): string[];
}

export function createResponseChecker(): ResponseChecker {
  const document = createOpenApiDocument() as unknown as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...document, $id: "openapi" });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string): ValidateFunction => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`),
  }));
  const operationOf = (method: string, path: string): string | undefined => {
    const lower = method.toLowerCase();
    const found = templates.find(({ template, pattern }) => pattern.test(path) && document.paths[template][lower] !== undefined);
    return found && `${method.toUpperCase()} ${found.template}`;
  };

  const checkText = (method: string, path: string, status: number, contentType: string | null, body: string): string[] => {
    const answer = `${method} ${path} → ${status}`;
    const response = document.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!response) return [`${answer}: not documented`];
    const documented = Object.entries(response.content ?? {});
    if (documented.length === 0) return body === "" ? [] : [`${answer}: a body where the document has none`];
    const [mediaType, { schema }] = documented[0];
    if (contentType !== mediaType) return [`${answer}: content-type ${contentType}, documented ${mediaType}`];
    const validate = ajv.compile(schema as object);
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `${answer}: (body) ${error.message}`);
  };

  return {
    isRestPath: (path) => REST_PREFIXES.some((prefix) => path.startsWith(prefix)),
    operationOf,
    checkText,
    check(method, path, status, body) {
      if (!REST_PREFIXES.some((prefix) => path.startsWith(prefix))) return undefined;
      const operation = operationOf(method, path);
      // Unknown paths and methods answer the error envelope too.
      let pointer = "/components/schemas/ErrorResponse";
      if (operation !== undefined) {
        const [verb, template] = operation.split(" ");
        const escaped = template.replaceAll("~", "~0").replaceAll("/", "~1");
        const responses = document.paths[template][verb.toLowerCase()].responses;
        const key = String(status) in responses ? String(status) : "default";
        const response = responses[key];
        pointer = response.$ref
          ? `${response.$ref.slice(1)}/content/application~1json/schema`
          : `/paths/${escaped}/${verb.toLowerCase()}/responses/${key}/content/application~1json/schema`;
      }
      const validate = validator(pointer);
      if (validate(body)) return [];
      return (validate.errors ?? []).map((error) => `${method} ${path} → ${status}: ${error.instancePath || "(body)"} ${error.message}`);
    },
  };
}
