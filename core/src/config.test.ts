import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("opens at most 20 PostgreSQL connections unless DATABASE_POOL_SIZE says otherwise", () => {
    expect(loadConfig({}).databasePoolSize).toBe(20);
    expect(loadConfig({ DATABASE_POOL_SIZE: "8" }).databasePoolSize).toBe(8);
  });

  it("refuses a DATABASE_POOL_SIZE that is not a positive integer", () => {
    for (const value of ["0", "-1", "2.5", "many"]) {
      expect(() => loadConfig({ DATABASE_POOL_SIZE: value }), value).toThrow(ConfigError);
    }
  });
});
