import { describe, expect, it } from "vitest";
import { soapLimitsFromEnv } from "./config.ts";

describe("soapLimitsFromEnv", () => {
  it("reads the SOAP_ variables", () => {
    const config = soapLimitsFromEnv({ SOAP_MAX_BODY_BYTES: "2048", SOAP_IDLE_TIMEOUT_MS: "5000", SOAP_MAX_CONNECTIONS: "50" });
    expect(config).toMatchObject({ maxBodyBytes: 2048, limits: { idleTimeoutMs: 5000, maxConnections: 50 } });
  });

  it("refuses a body limit below 1 KiB", () => {
    expect(() => soapLimitsFromEnv({ SOAP_MAX_BODY_BYTES: "10" })).toThrow("SOAP_MAX_BODY_BYTES");
  });
});
