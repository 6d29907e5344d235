// vitest setup file: every answer a test receives through fetch from a REST gateway path is checked against
// the OpenAPI document, and a test file fails at its end when any answer did not match. Tests keep their own
// assertions; this only adds "and the document describes what was received".

import { afterAll, expect } from "vitest";
import { createResponseChecker } from "./openapi-responses.ts";

const checker = createResponseChecker();
const problems: string[] = [];
const originalFetch = globalThis.fetch;

globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
  const response = await originalFetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  const { pathname } = new URL(url);
  const json = (response.headers.get("content-type") ?? "").startsWith("application/json");
  if (json && checker.isRestPath(pathname)) {
    const body: unknown = await response.clone().json().catch(() => "(not JSON)");
    problems.push(...(checker.check(method, pathname, response.status, body) ?? []));
  }
  return response;
};

afterAll(() => {
  globalThis.fetch = originalFetch;
  expect(problems, "REST answers that the OpenAPI document does not describe").toEqual([]);
});
