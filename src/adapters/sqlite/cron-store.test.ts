// SQLite cron store: the contract on a fresh state.db, the earliest wake-up for the timer alarm, and
// the change signal another process (the CLI) touches.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cronJob, cronStoreContract } from "../../ports/cron-store.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createSqliteCronStore } from "./cron-store.ts";
import { openStateDb } from "./db.ts";

cronStoreContract("sqlite", async () => {
  const db = openStateDb(":memory:");
  const clock = createFakeClock();
  return { store: createSqliteCronStore({ db, clock }), clock, cleanup: async () => db.close() };
});

describe("sqlite cron store", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });

  it("tells the alarm the earliest due job or stuck deadline, ignoring paused and finished jobs", async () => {
    const db = openStateDb(":memory:");
    const store = createSqliteCronStore({ db, clock: createFakeClock() });
    expect(store.nextWake(1_000)).toBeUndefined();
    await store.save(cronJob("later", 500));
    await store.save(cronJob("paused", 100, { enabled: false }));
    await store.save(cronJob("done", undefined));
    expect(store.nextWake(1_000)).toBe(500);
    await store.save(
      cronJob("running", undefined, { state: { consecutiveErrors: 0, running: { runId: "r", since: 50 } } }),
    );
    expect(store.nextWake(1_000)).toBe(500);
    expect(store.nextWake(300)).toBe(350);
    db.close();
  });

  it("touches the change signal when a job is saved or removed, not when a run is added", async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-claw-cron-store-"));
    const changeSignal = join(dir, "cron.changed");
    const db = openStateDb(join(dir, "state.db"));
    const clock = createFakeClock();
    const store = createSqliteCronStore({ db, clock, changeSignal });
    const told: number[] = [];
    store.onChange(() => told.push(clock.now()));
    await store.save(cronJob("a", 1));
    await store.addRun({ runId: "r", jobId: "a", dueAt: 1, startedAt: 1, finishedAt: 2, status: "ok" });
    await clock.advance(5);
    await store.remove("a");
    expect(told).toEqual([clock.now() - 5, clock.now()]);
    await expect.poll(() => readFile(changeSignal, "utf8")).toBe(String(clock.now()));
    db.close();
  });
});
