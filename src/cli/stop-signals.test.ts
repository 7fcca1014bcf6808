// A foreground command waiting for its stop signal ends the same way on each of them: closing the
// terminal (SIGHUP) too, not only Ctrl-C and kill. The signals are emitted to the process's listeners,
// not sent, so the test runner is not stopped.
import { describe, expect, it } from "vitest";
import { STOP_SIGNALS, untilStopSignal } from "./stop-signals.ts";

describe("untilStopSignal", () => {
  it("resolves on SIGHUP (the terminal closed) as on SIGINT, then stops listening", async () => {
    const before = STOP_SIGNALS.map((signal) => process.listenerCount(signal));
    const stopped = untilStopSignal();
    expect(STOP_SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(before.map((n) => n + 1));
    process.emit("SIGHUP");
    await expect(stopped).resolves.toBe("SIGHUP");
    expect(STOP_SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(before);

    const interrupted = untilStopSignal();
    process.emit("SIGINT");
    await expect(interrupted).resolves.toBe("SIGINT");
  });
});
