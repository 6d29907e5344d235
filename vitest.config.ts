import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{core,gateway-rest,gateway-soap,test}/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every REST answer a test receives through fetch must match the OpenAPI document (see the file).
    setupFiles: ["test/support/openapi-response-hook.ts"],
  },
});
