// The suite every CronStore adapter must pass (SQLite, DynamoDB): jobs, runs and system events.
import { describe, expect, it } from "vitest";
import { type CronJob, type CronRun, RUN_HISTORY_LIMIT } from "../core/cron/cron-job.ts";
import type { FakeClock } from "../util/fake-clock.ts";
import { useHarness } from "./contract-harness.ts";
import type { CronStore } from "./cron-store.ts";

export interface CronStoreHarness {
  store: CronStore;
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

export function cronStoreContract(name: string, make: () => Promise<CronStoreHarness>): void {
  describe(`CronStore contract: ${name}`, () => {
    const open = useHarness(make);

    it("stores jobs, lists them in creation order, replaces by id and removes them", async () => {
      const { store } = await open();
      await store.save(cronJob("a", 1));
      await store.save(cronJob("b", 2));
      await store.save(cronJob("a", 3, { name: "renamed" }));
      expect((await store.list()).map((j) => [j.id, j.name])).toEqual([
        ["a", "renamed"],
        ["b", "job b"],
      ]);
      expect(await store.get("a")).toEqual(cronJob("a", 3, { name: "renamed" }));
      expect(await store.get("missing")).toBeNull();
      expect(await store.remove("a")).toBe(true);
      expect(await store.remove("a")).toBe(false);
      expect((await store.list()).map((j) => j.id)).toEqual(["b"]);
    });

    it("gives a sweep only the jobs due by then and those running", async () => {
      const { store } = await open();
      await store.save(cronJob("future", 200));
      await store.save(cronJob("due", 100));
      await store.save(cronJob("paused", 50, { enabled: false }));
      await store.save(
        cronJob("running", undefined, {
          state: { consecutiveErrors: 0, running: { runId: "r", since: 90 } },
        }),
      );
      await store.save(cronJob("done", undefined));
      await store.save(cronJob("exactly", 150));
      expect((await store.dueOrRunning(150)).map((j) => j.id)).toEqual(["due", "running", "exactly"]);
      await store.save(cronJob("due", 300));
      expect((await store.dueOrRunning(150)).map((j) => j.id)).toEqual(["running", "exactly"]);
    });

    it("keeps the newest runs of a job, newest first, and drops them with the job", async () => {
      const { store } = await open();
      await store.save(cronJob("a", 1));
      for (let n = 1; n <= RUN_HISTORY_LIMIT + 5; n++) await store.addRun(run("a", n));
      await store.addRun(run("b", 1));
      const runs = await store.runs("a");
      expect(runs).toHaveLength(RUN_HISTORY_LIMIT);
      expect(runs[0]!.dueAt).toBe(RUN_HISTORY_LIMIT + 5);
      expect(runs.at(-1)!.dueAt).toBe(6);
      expect((await store.runs("a", 2)).map((r) => r.dueAt)).toEqual([
        RUN_HISTORY_LIMIT + 5,
        RUN_HISTORY_LIMIT + 4,
      ]);
      await store.remove("a");
      expect(await store.runs("a")).toEqual([]);
      expect(await store.runs("b")).toHaveLength(1);
    });

    it("records a run once however often it is added (a finish retried after a crash)", async () => {
      const { store } = await open();
      await store.save(cronJob("a", 1));
      expect(await store.addRun(run("a", 1))).toBe(true);
      expect(await store.addRun({ ...run("a", 1), finishedAt: 99, status: "error" })).toBe(false);
      expect(await store.addRun(run("a", 2))).toBe(true);
      expect(await store.runs("a")).toEqual([run("a", 2), run("a", 1)]);
    });

    it("keeps system events per session, oldest first, once per id", async () => {
      const { store } = await open();
      expect(await store.postEvent({ id: "e1", sessionKey: "main", text: "one", at: 1 })).toBe(true);
      expect(await store.postEvent({ id: "e1", sessionKey: "main", text: "one again", at: 2 })).toBe(false);
      await store.postEvent({ id: "e2", sessionKey: "main", text: "two", at: 3 });
      await store.postEvent({ id: "e3", sessionKey: "other", text: "three", at: 4 });
      expect((await store.events("main")).map((e) => e.text)).toEqual(["one", "two"]);
      await store.dropEvents(["e1", "gone"]);
      expect(await store.postEvent({ id: "e1", sessionKey: "main", text: "retried", at: 5 })).toBe(false);
      expect(await store.events("main")).toEqual([{ id: "e2", sessionKey: "main", text: "two", at: 3 }]);
      expect(await store.events("other")).toHaveLength(1);
    });

    it("keeps the cron run that posted an event, and forgets a taken id after a day", async () => {
      const { store, clock } = await open();
      const ref = { jobId: "a", runId: "cron:a:5", dueAt: 5, startedAt: 6 };
      await store.postEvent({ id: "cron:a:5", sessionKey: "main", text: "stretch", at: 6, run: ref });
      expect(await store.events("main")).toEqual([
        { id: "cron:a:5", sessionKey: "main", text: "stretch", at: 6, run: ref },
      ]);
      await store.dropEvents(["cron:a:5"]);
      await clock.advance(24 * 60 * MINUTE + 1);
      await store.dropEvents([]);
      await store.dropEvents(["other"]);
      expect(await store.postEvent({ id: "cron:a:5", sessionKey: "main", text: "again", at: 7 })).toBe(true);
      expect((await store.events("main")).map((e) => e.text)).toEqual(["again"]);
    });
  });
}
