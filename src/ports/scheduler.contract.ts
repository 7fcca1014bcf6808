// The suite every Scheduler adapter must pass; time is driven through the harness's fake clock.
import { describe, expect, it } from "vitest";
import { type CronJob, type CronRun, RUN_HISTORY_LIMIT } from "../core/cron/cron-job.ts";
import type { FakeClock } from "../util/fake-clock.ts";
import { useHarness } from "./contract-harness.ts";
import type { Scheduler } from "./scheduler.ts";

export interface SchedulerHarness {
  scheduler: Scheduler;
  clock: FakeClock;
  cleanup(): Promise<void>;
}

const MINUTE = 60_000;

export function cronJob(id: string, nextRunAt: number | undefined, extra: Partial<CronJob> = {}): CronJob {
  return {
    id,
    name: `job ${id}`,
    enabled: true,
    schedule: { kind: "every", everyMs: 60 * MINUTE, anchor: 0 },
    action: { kind: "systemEvent", text: `event of ${id}` },
    catchUp: { policy: "once" },
    createdAt: 0,
    updatedAt: 0,
    state: { consecutiveErrors: 0, ...(nextRunAt !== undefined && { nextRunAt }) },
    ...extra,
  };
}

const run = (jobId: string, n: number): CronRun => ({
  runId: `${jobId}:${n}`,
  jobId,
  dueAt: n,
  startedAt: n,
  finishedAt: n + 1,
  status: "ok",
});

/** Collects the jobs handed to onDue; each onDue moves its job an hour on, as the contract asks. */
function recorder(scheduler: Scheduler, clock: FakeClock) {
  const fired: string[] = [];
  let notify: (() => void) | undefined;
  const onDue = async (job: CronJob) => {
    fired.push(job.id);
    await scheduler.save({ ...job, state: { ...job.state, nextRunAt: clock.now() + 60 * MINUTE } });
    notify?.();
  };
  /** Resolves once `count` jobs have fired in all. */
  const firedCount = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (fired.length >= count) resolve();
        else notify = check;
      };
      check();
    });
  return { fired, onDue, firedCount };
}

export function schedulerContract(name: string, make: () => Promise<SchedulerHarness>): void {
  describe(`Scheduler contract: ${name}`, () => {
    const open = useHarness(make);

    it("stores jobs, lists them in creation order, replaces by id and removes them", async () => {
      const { scheduler } = await open();
      await scheduler.save(cronJob("a", 1));
      await scheduler.save(cronJob("b", 2));
      await scheduler.save(cronJob("a", 3, { name: "renamed" }));
      expect((await scheduler.list()).map((j) => [j.id, j.name])).toEqual([
        ["a", "renamed"],
        ["b", "job b"],
      ]);
      expect(await scheduler.get("a")).toEqual(cronJob("a", 3, { name: "renamed" }));
      expect(await scheduler.get("missing")).toBeNull();
      expect(await scheduler.remove("a")).toBe(true);
      expect(await scheduler.remove("a")).toBe(false);
      expect((await scheduler.list()).map((j) => j.id)).toEqual(["b"]);
    });

    it("gives a start only the jobs due by then and those left running", async () => {
      const { scheduler } = await open();
      await scheduler.save(cronJob("future", 200));
      await scheduler.save(cronJob("due", 100));
      await scheduler.save(cronJob("paused", 50, { enabled: false }));
      await scheduler.save(
        cronJob("running", undefined, {
          state: { consecutiveErrors: 0, running: { runId: "r", since: 90 } },
        }),
      );
      await scheduler.save(cronJob("done", undefined));
      await scheduler.save(cronJob("exactly", 150));
      expect((await scheduler.dueOrRunning(150)).map((j) => j.id)).toEqual(["due", "running", "exactly"]);
    });

    it("keeps the newest runs of a job, newest first, and drops them with the job", async () => {
      const { scheduler } = await open();
      await scheduler.save(cronJob("a", 1));
      for (let n = 1; n <= RUN_HISTORY_LIMIT + 5; n++) await scheduler.addRun(run("a", n));
      await scheduler.addRun(run("b", 1));
      const runs = await scheduler.runs("a");
      expect(runs).toHaveLength(RUN_HISTORY_LIMIT);
      expect(runs[0]!.dueAt).toBe(RUN_HISTORY_LIMIT + 5);
      expect(runs.at(-1)!.dueAt).toBe(6);
      expect((await scheduler.runs("a", 2)).map((r) => r.dueAt)).toEqual([
        RUN_HISTORY_LIMIT + 5,
        RUN_HISTORY_LIMIT + 4,
      ]);
      await scheduler.remove("a");
      expect(await scheduler.runs("a")).toEqual([]);
      expect(await scheduler.runs("b")).toHaveLength(1);
    });

    it("fires a job when it is due, not before, with one timer waiting meanwhile", async () => {
      const { scheduler, clock } = await open();
      const start = clock.now();
      await scheduler.save(cronJob("a", start + 90 * MINUTE));
      await scheduler.save(cronJob("later", start + 300 * MINUTE));
      const { fired, onDue, firedCount } = recorder(scheduler, clock);
      const stop = new AbortController();
      scheduler.watch(onDue, stop.signal);
      await clock.advance(0);
      expect(clock.pending).toBe(1);
      await clock.advance(90 * MINUTE - 1);
      expect(fired).toEqual([]);
      expect(clock.pending).toBe(1);
      await clock.advance(1);
      await firedCount(1);
      expect(fired).toEqual(["a"]);
      stop.abort();
      await clock.advance(0);
      expect(clock.pending).toBe(0);
    });

    it("re-arms for a job saved with an earlier time, and forgets removed and paused ones", async () => {
      const { scheduler, clock } = await open();
      const start = clock.now();
      await scheduler.save(cronJob("late", start + 120 * MINUTE));
      const { fired, onDue, firedCount } = recorder(scheduler, clock);
      const stop = new AbortController();
      scheduler.watch(onDue, stop.signal);
      await clock.advance(0);
      await scheduler.save(cronJob("soon", start + 5 * MINUTE));
      await scheduler.save(cronJob("removed", start + 6 * MINUTE));
      await scheduler.save(cronJob("paused", start + 7 * MINUTE, { enabled: false }));
      await scheduler.remove("removed");
      await clock.advance(5 * MINUTE);
      await firedCount(1);
      await clock.advance(10 * MINUTE);
      expect(fired).toEqual(["soon"]);
      stop.abort();
    });

    it("does not hand a job over again while its onDue is still running", async () => {
      const { scheduler, clock } = await open();
      await scheduler.save(cronJob("slow", clock.now() + MINUTE));
      const calls: string[] = [];
      let finish!: () => void;
      const stop = new AbortController();
      scheduler.watch(async (job) => {
        calls.push(job.id);
        await new Promise<void>((resolve) => (finish = resolve));
        await scheduler.save({ ...job, state: { ...job.state, nextRunAt: clock.now() + 60 * MINUTE } });
      }, stop.signal);
      await clock.advance(MINUTE);
      await clock.advance(MINUTE);
      expect(calls).toEqual(["slow"]);
      finish();
      stop.abort();
    });

    it("hands over a job whose onDue failed again only after a pause", async () => {
      const { scheduler, clock } = await open();
      await scheduler.save(cronJob("flaky", clock.now() + MINUTE));
      const calls: number[] = [];
      const stop = new AbortController();
      scheduler.watch(async () => {
        calls.push(clock.now());
        throw new Error("disk full");
      }, stop.signal);
      await clock.advance(MINUTE);
      await clock.advance(5_000);
      expect(calls).toHaveLength(1);
      await clock.advance(5_000);
      await clock.advance(0);
      expect(calls).toHaveLength(2);
      stop.abort();
    });

    it("keeps system events per session, oldest first, once per id", async () => {
      const { scheduler } = await open();
      expect(await scheduler.postEvent({ id: "e1", sessionKey: "main", text: "one", at: 1 })).toBe(true);
      expect(await scheduler.postEvent({ id: "e1", sessionKey: "main", text: "one again", at: 2 })).toBe(
        false,
      );
      await scheduler.postEvent({ id: "e2", sessionKey: "main", text: "two", at: 3 });
      await scheduler.postEvent({ id: "e3", sessionKey: "other", text: "three", at: 4 });
      expect((await scheduler.events("main")).map((e) => e.text)).toEqual(["one", "two"]);
      await scheduler.dropEvents(["e1", "gone"]);
      expect(await scheduler.postEvent({ id: "e1", sessionKey: "main", text: "retried", at: 5 })).toBe(false);
      expect(await scheduler.events("main")).toEqual([{ id: "e2", sessionKey: "main", text: "two", at: 3 }]);
      expect(await scheduler.events("other")).toHaveLength(1);
    });
  });
}
