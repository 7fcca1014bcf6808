// The suite every Alarm adapter must pass (the local timer, EventBridge Scheduler against the local
// emulator): a job set fires at its due time and not before, once; changed, paused and removed jobs
// follow; a running job fires at its stuck deadline. Time is the harness's fake clock.
import { describe, expect, it } from "vitest";
import type { CronJob } from "../core/cron/cron-job.ts";
import type { FakeClock } from "../util/fake-clock.ts";
import type { Alarm } from "./alarm.ts";
import { useHarness } from "./contract-harness.ts";
import { cronJob } from "./cron-store.contract.ts";

export interface AlarmHarness {
  alarm: Alarm;
  clock: FakeClock;
  /** The stuck limit the alarm was made with. */
  stuckMs: number;
  /** Stores the job as the cron service does before setting its alarm (the local alarm reads the store). */
  save(job: CronJob): Promise<void>;
  /** Removes it, as the cron service does before clearing its alarm. */
  remove(jobId: string): Promise<void>;
  /**
   * Moves the clock on by `ms` in steps and returns the ids the alarm fired for meanwhile, in order;
   * each firing moves its job on (nothing more is due), as a firing's run does.
   */
  advance(ms: number): Promise<string[]>;
  cleanup(): Promise<void>;
}

const MINUTE = 60_000;

export function alarmContract(name: string, make: () => Promise<AlarmHarness>): void {
  describe(`Alarm contract: ${name}`, () => {
    const open = useHarness(make);
    const setUp = async (h: AlarmHarness, job: CronJob) => {
      await h.save(job);
      await h.alarm.set(job);
    };

    it("fires a job at its due time, not before, and once", async () => {
      const h = await open();
      await setUp(h, cronJob("a", h.clock.now() + 10 * MINUTE));
      expect(await h.advance(10 * MINUTE - 1_000)).toEqual([]);
      expect(await h.advance(1_000)).toEqual(["a"]);
      expect(await h.advance(60 * MINUTE)).toEqual([]);
    });

    it("fires a job set again at its new time only", async () => {
      const h = await open();
      const start = h.clock.now();
      await setUp(h, cronJob("a", start + 10 * MINUTE));
      await setUp(h, cronJob("a", start + 30 * MINUTE));
      await setUp(h, cronJob("b", start + 20 * MINUTE));
      expect(await h.advance(20 * MINUTE)).toEqual(["b"]);
      expect(await h.advance(10 * MINUTE)).toEqual(["a"]);
    });

    it("does not fire a paused job, nor a removed one", async () => {
      const h = await open();
      await setUp(h, cronJob("paused", h.clock.now() + 5 * MINUTE, { enabled: false }));
      await setUp(h, cronJob("removed", h.clock.now() + 5 * MINUTE));
      await h.remove("removed");
      await h.alarm.clear("removed");
      await h.alarm.clear("never-set");
      expect(await h.advance(20 * MINUTE)).toEqual([]);
    });

    it("fires a running job at its stuck deadline", async () => {
      const h = await open();
      const since = h.clock.now();
      await setUp(
        h,
        cronJob("r", undefined, { state: { consecutiveErrors: 0, running: { runId: "x", since } } }),
      );
      expect(await h.advance(h.stuckMs - MINUTE)).toEqual([]);
      expect(await h.advance(MINUTE)).toEqual(["r"]);
    });
  });
}
