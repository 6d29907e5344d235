import { describe, expect, it } from "vitest";
import { restLimitsFromEnv } from "./config.ts";

describe("restLimitsFromEnv", () => {
  it("reads the REST_ variables", () => {
    const config = restLimitsFromEnv({ REST_MAX_BODY_BYTES: "2048", REST_IDLE_TIMEOUT_MS: "5000", REST_MAX_CONNECTIONS: "50" });
    expect(config).toMatchObject({ maxBodyBytes: 2048, limits: { idleTimeoutMs: 5000, maxConnections: 50 } });
  });

  it("refuses a body limit below 1 KiB", () => {
    expect(() => restLimitsFromEnv({ REST_MAX_BODY_BYTES: "10" })).toThrow("REST_MAX_BODY_BYTES");
  });
});
