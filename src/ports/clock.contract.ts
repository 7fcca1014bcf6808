// The suite every Clock must pass.
import { describe, expect, it } from "vitest";
import type { Clock } from "./clock.ts";

export interface ClockHarness {
  clock: Clock;
  /** Lets `ms` pass for this clock (a fake clock advances; the system clock waits). */
  pass(ms: number): Promise<void>;
}

export function clockContract(name: string, make: () => ClockHarness): void {
  describe(`Clock contract: ${name}`, () => {
    it("never goes backwards", () => {
      const { clock } = make();
      let last = clock.now();
      for (let i = 0; i < 1000; i++) {
        const t = clock.now();
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    });

    it("wakes a sleeper once the time has passed", async () => {
      const { clock, pass } = make();
      const start = clock.now();
      let woke = false;
      const sleeping = clock.sleep(20).then(() => {
        woke = true;
      });
      await pass(25);
      await sleeping;
      expect(woke).toBe(true);
      expect(clock.now() - start).toBeGreaterThanOrEqual(20);
    });

    it("rejects a sleep when its signal aborts", async () => {
      const { clock } = make();
      const controller = new AbortController();
      const sleeping = clock.sleep(60_000, controller.signal);
      controller.abort(new Error("stop"));
      await expect(sleeping).rejects.toThrow("stop");
      const already = clock.sleep(10, controller.signal);
      await expect(already).rejects.toThrow("stop");
    });
  });
}
