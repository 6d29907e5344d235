import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{core,gateway-rest,gateway-soap,test}/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
