import { defineConfig } from "vitest/config";

// Unit tests run from TypeScript sources; end-to-end tests run the built CLI (dist/) as a child
// process, so `npm test` builds first. Two workers fit the 2-core CI machine.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/e2e/**/*.test.ts", "test/browser/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
