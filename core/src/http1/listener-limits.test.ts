import { describe, expect, it } from "vitest";
import { DEFAULT_LISTENER_LIMITS, http1ServerOptions, listenerLimitsFromEnv } from "./listener-limits.ts";

describe("listenerLimitsFromEnv", () => {
  it("uses the defaults when nothing is set", () => {
    expect(listenerLimitsFromEnv({}, "SOAP")).toEqual(DEFAULT_LISTENER_LIMITS);
  });

  it.each([
    ["X_HEADERS_TIMEOUT_MS", "2000", { headersTimeoutMs: 2000 }],
    ["X_REQUEST_TIMEOUT_MS", "45000", { requestTimeoutMs: 45_000 }],
    ["X_IDLE_TIMEOUT_MS", "5000", { idleTimeoutMs: 5000 }],
    ["X_MAX_HEADER_BYTES", "8192", { maxHeaderBytes: 8192 }],
    ["X_MAX_CONNECTIONS", "50", { maxConnections: 50 }],
  ])("reads %s", (name, value, expected) => {
    expect(listenerLimitsFromEnv({ [name]: value }, "X")).toMatchObject(expected);
  });

  it.each([
    ["X_HEADERS_TIMEOUT_MS", "10s"],
    ["X_IDLE_TIMEOUT_MS", "-1"],
    ["X_MAX_HEADER_BYTES", "100"],
    ["X_MAX_CONNECTIONS", "0"],
  ])("refuses %s=%s naming the variable", (name, value) => {
    expect(() => listenerLimitsFromEnv({ [name]: value }, "X")).toThrow(name);
  });

  it("refuses a request timeout shorter than the header timeout", () => {
    expect(() => listenerLimitsFromEnv({ X_HEADERS_TIMEOUT_MS: "5000", X_REQUEST_TIMEOUT_MS: "1000" }, "X")).toThrow(
      "X_REQUEST_TIMEOUT_MS must be at least X_HEADERS_TIMEOUT_MS",
    );
  });
});

describe("http1ServerOptions", () => {
  it("checks the timeouts often enough for a short header timeout", () => {
    expect(http1ServerOptions({ ...DEFAULT_LISTENER_LIMITS, headersTimeoutMs: 400 })).toMatchObject({ headersTimeout: 400, connectionsCheckingInterval: 100 });
  });
});
