import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "infra/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup/patient-waits.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    // Bounds on waits that fail, never sleeps: a loaded 2-core CI machine takes seconds for what
    // takes milliseconds here, and a bound hit there is a false failure.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: 10_000 } },
    // A failed assertion shows the whole value it got: "[ Array(1) ]" says nothing.
    chaiConfig: { truncateThreshold: 0 },
    pool: "forks",
    // Half the suite's time is spent waiting on child processes, emulators and Chromium, not on a
    // core: on 2 cores, 2 workers took 9 min 11 s and 3 took 5 min 35 s (4: 6 min, with timeouts).
    // One more than the cores: each file may start Chromium or emulators of its own.
    maxWorkers: availableParallelism() + 1,
    // Tests never read the developer's own ~/.agent-claw or model keys.
    env: { AGENT_CLAW_HOME: "/nonexistent-agent-claw-home", NO_COLOR: "1" },
  },
});
