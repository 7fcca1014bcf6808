import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "infra/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Tests never read the developer's own ~/.agent-claw or model keys.
    env: { AGENT_CLAW_HOME: "/nonexistent-agent-claw-home", NO_COLOR: "1" },
  },
});
