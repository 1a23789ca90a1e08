import { defineConfig } from "vitest/config";

// `npm run chaos`: the long soak only (the short one runs in `npm test` from test/e2e/).
export default defineConfig({
  test: {
    include: ["test/chaos/**/*.chaos.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 1_800_000,
  },
});
