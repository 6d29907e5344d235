import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OBSERVABILITY_PATHS } from "../../core/src/observability/http-endpoints.ts";
import { createResponseChecker } from "../../test/support/openapi-responses.ts";
import { createOpenApiDocument } from "./openapi.ts";
import { ROUTES, createRouter } from "./routes.ts";
import { startRestGateway } from "./server.ts";
import type { RestGateway } from "./server.ts";

const document = createOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
  Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
);
const isObservability = (operation: string) => OBSERVABILITY_PATHS.includes(operation.split(" ")[1]);

describe("createOpenApiDocument()", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every route the gateway serves, and the gateway serves every documented route", () => {
    const served = ROUTES.map((route) => `${route.method} ${route.path}`);
    const api = documented.filter((operation) => !isObservability(operation));
    expect([...api].sort()).toEqual([...served].sort());
    // The 21 endpoints of the Cloud Admin specification.
    expect(api).toHaveLength(21);
    const route = createRouter();
    for (const operation of api) {
      const [method, template] = operation.split(" ");
      expect(route(method, template.replace(/\{\w+\}/g, "X")).kind, operation).toBe("found");
    }
  });

  it("documents GET and HEAD of each observability path the gateway answers, and no other", () => {
    const expected = OBSERVABILITY_PATHS.flatMap((path) => [`GET ${path}`, `HEAD ${path}`]);
    expect(documented.filter(isObservability).sort()).toEqual(expected.sort());
  });

  it("requires HTTP Basic everywhere but on the observability paths", () => {
    expect(createOpenApiDocument()).toMatchObject({
      security: [{ basicAuth: [] }],
      components: { securitySchemes: { basicAuth: { type: "http", scheme: "basic" } } },
    });
    const overridden = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => (operation as { security?: unknown }).security !== undefined)
        .map(([method, operation]) => [`${method.toUpperCase()} ${path}`, (operation as { security?: unknown }).security]),
    );
    expect(Object.fromEntries(overridden)).toEqual(Object.fromEntries(documented.filter(isObservability).map((operation) => [operation, []])));
  });
});

describe("createResponseChecker()", () => {
  const checker = createResponseChecker();
  const application = {
    id: "A",
    serviceBaseUrl: "http://x/",
    mobileSdkConfig: "c",
    roles: [],
    appKey: "k",
    appSecret: "s",
    masterServerPublicKey: "p",
  };

  it("accepts an answer the document describes and names what is wrong with one it does not", () => {
    expect(checker.check("GET", "/admin/applications/A", 200, application)).toEqual([]);
    const { appSecret: _, ...withoutSecret } = application;
    expect(checker.check("GET", "/admin/applications/A", 200, withoutSecret)).toEqual([
      "GET /admin/applications/A → 200: (body) must have required property 'appSecret'",
    ]);
    expect(checker.check("GET", "/admin/applications/A", 200, { ...application, extra: 1 })).toHaveLength(1);
  });

  it("checks errors, unknown paths included, against the envelope", () => {
    const envelope = { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } };
    expect(checker.check("POST", "/admin/applications", 401, envelope)).toEqual([]);
    expect(checker.check("GET", "/admin/nothing", 404, envelope)).toEqual([]);
    expect(checker.check("GET", "/admin/nothing", 404, { status: "ERROR" })).toHaveLength(1);
    expect(checker.check("GET", "/powerauth.v3.PowerAuthService/GetSystemStatus", 200, {})).toBeUndefined();
  });

  it("checks a plain-text answer's status, media type and body, and that HEAD has none", () => {
    const text = "text/plain; charset=utf-8";
    expect(checker.checkText("GET", "/health/ready", 503, text, "not ready\n")).toEqual([]);
    expect(checker.checkText("HEAD", "/health/ready", 200, text, "")).toEqual([]);
    expect(checker.checkText("GET", "/health/ready", 200, text, "not ready\n")).toHaveLength(1);
    expect(checker.checkText("GET", "/health/ready", 500, text, "not ready\n")).toEqual(["GET /health/ready → 500: not documented"]);
    expect(checker.checkText("GET", "/health/live", 200, "application/json", "live\n")).toHaveLength(1);
    expect(checker.checkText("HEAD", "/health/live", 200, text, "live\n")).toHaveLength(1);
    expect(checker.checkText("GET", "/metrics", 200, "text/plain; version=0.0.4; charset=utf-8", "up 1\n")).toEqual([]);
  });
});

describe("the documentation endpoints", () => {
  let gateway: RestGateway;

  beforeAll(async () => {
    // No core behind it: the documentation needs none, and no credentials.
    gateway = await startRestGateway({ port: 0, coreUrl: "http://127.0.0.1:1", log: () => {} });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it("serves the document at /v3/api-docs without credentials", async () => {
    const res = await fetch(`${gateway.url}/v3/api-docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(createOpenApiDocument())));
  });

  it("serves Swagger UI at /swagger-ui/, pointed at the document", async () => {
    const page = await fetch(`${gateway.url}/swagger-ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('src="./swagger-ui-bundle.js"');
    const initializer = await (await fetch(`${gateway.url}/swagger-ui/swagger-initializer.js`)).text();
    expect(initializer).toContain('url: "/v3/api-docs"');
    const bundle = await fetch(`${gateway.url}/swagger-ui/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const redirect = await fetch(`${gateway.url}/swagger-ui`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/swagger-ui/");
  });

  it("answers the observability paths, without credentials, as the document describes (not ready: no core)", async () => {
    const checker = createResponseChecker();
    const problems: string[] = [];
    const statuses: Record<string, number> = {};
    for (const path of OBSERVABILITY_PATHS) {
      for (const method of ["GET", "HEAD"]) {
        const res = await fetch(`${gateway.url}${path}`, { method });
        expect(res.headers.get("cache-control"), `${method} ${path}`).toBe("no-store");
        problems.push(...checker.checkText(method, path, res.status, res.headers.get("content-type"), await res.text()));
        statuses[`${method} ${path}`] = res.status;
      }
    }
    expect(problems).toEqual([]);
    expect(statuses).toMatchObject({ "GET /metrics": 200, "GET /health/live": 200, "GET /health/ready": 503, "HEAD /health/ready": 503 });
  });

  it("serves no other file of the package, nor anything outside it", async () => {
    for (const path of ["/swagger-ui/package.json", "/swagger-ui/swagger-ui-bundle.js.map", "/swagger-ui/..%2fpackage.json"]) {
      expect((await fetch(`${gateway.url}${path}`)).status, path).toBe(404);
    }
  });
});
