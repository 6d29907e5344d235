// The gateway's public documentation: the OpenAPI document at /v3/api-docs and Swagger UI (from the
// swagger-ui-dist package) at /swagger-ui/. Both are open without credentials, like the reference server's
// springdoc endpoints; they describe the API and hold no data.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ServerResponse } from "node:http";
import { createOpenApiDocument } from "./openapi.ts";

export const API_DOCS_PATH = "/v3/api-docs";
export const SWAGGER_UI_PATH = "/swagger-ui/";

/** The only files of the package Swagger UI's page loads, with their content types: nothing else is served. */
const UI_FILES: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
  "index.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

/** Replaces the package's initializer, which points at the public petstore example. */
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "${API_DOCS_PATH}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
  });
};
`;

/** Swagger UI's page loads only its own scripts and styles, plus data: images it inlines. */
const UI_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
  "x-content-type-options": "nosniff",
};

/** A finished answer with its raw payload (the JSON API's results are JSON; these are not always). */
type DocsAnswer = { status: number; headers: Record<string, string>; payload: Buffer };

/**
 * Answers a documentation request, or returns undefined for any other path. Files are read once, on first
 * use, and kept for the gateway's life; the document is built once.
 */
export function createDocsHandler(): (method: string, path: string) => Promise<DocsAnswer> | undefined {
  const document = Buffer.from(JSON.stringify(createOpenApiDocument()));
  const packageDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const files = new Map<string, Promise<Buffer>>();
  const file = (name: string): Promise<Buffer> => {
    let content = files.get(name);
    if (!content) {
      content = readFile(join(packageDir, name));
      files.set(name, content);
    }
    return content;
  };

  return (method, path) => {
    if (path !== API_DOCS_PATH && path !== "/swagger-ui" && !path.startsWith(SWAGGER_UI_PATH)) return undefined;
    if (method !== "GET" && method !== "HEAD") {
      return Promise.resolve(text(405, "Only GET is supported here", { allow: "GET, HEAD" }));
    }
    if (path === API_DOCS_PATH) {
      return Promise.resolve({ status: 200, headers: { "content-type": "application/json" }, payload: document });
    }
    if (path === "/swagger-ui") return Promise.resolve(text(301, "", { location: SWAGGER_UI_PATH }));
    const name = path.slice(SWAGGER_UI_PATH.length) || "index.html";
    if (name === "swagger-initializer.js") {
      return Promise.resolve({ status: 200, headers: { "content-type": "text/javascript; charset=utf-8", ...UI_HEADERS }, payload: Buffer.from(INITIALIZER) });
    }
    const type = UI_FILES[name];
    if (type === undefined) return Promise.resolve(text(404, "Not found"));
    return file(name).then((payload) => ({ status: 200, headers: { "content-type": type, "cache-control": "public, max-age=3600", ...UI_HEADERS }, payload }));
  };
}

/** Writes a documentation answer (a HEAD gets the headers only). */
export function sendDocs(res: ServerResponse, method: string, answer: DocsAnswer): void {
  res.writeHead(answer.status, { "content-length": answer.payload.length, ...answer.headers });
  res.end(method === "HEAD" ? undefined : answer.payload);
}

function text(status: number, message: string, headers: Record<string, string> = {}): DocsAnswer {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, payload: Buffer.from(message) };
}
