// The local alarm over the SQLite cron store, on a fake clock: one timer at the earliest due job or
// stuck deadline, re-armed by changes, never two wake-ups at once, a pause after a failed wake-up,
// and a change made by another process (the CLI) noticed through the change signal, not a poll.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { settle } from "../../../test/behaviour/settle.ts";
import { alarmContract } from "../../ports/alarm.contract.ts";
import { cronJob } from "../../ports/cron-store.contract.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { createSystemClock } from "../../util/system-clock.ts";
import { createSqliteCronStore, type SqliteCronStore } from "../sqlite/cron-store.ts";
import { openStateDb } from "../sqlite/db.ts";
import { createTimerAlarm } from "./timer-alarm.ts";

const MINUTE = 60_000;
const STUCK_MS = 30 * MINUTE;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function world() {
  const db = openStateDb(":memory:");
  const clock = createFakeClock();
  const store = createSqliteCronStore({ db, clock });
  const alarm = createTimerAlarm({ store, clock, stuckMs: STUCK_MS });
  const stop = new AbortController();
  cleanups.push(() => {
    stop.abort();
    db.close();
  });
  return { clock, store, alarm, stop };
}

/** A wake-up that starts what is due, as the cron service does: each due job moves an hour on. */
function starter(store: SqliteCronStore, clock: FakeClock) {
  const woke: number[] = [];
  const started: string[] = [];
  const onWake = async () => {
    woke.push(clock.now());
    for (const job of await store.dueOrRunning(clock.now())) {
      if (job.state.running) continue;
      started.push(job.id);
      await store.save({ ...job, state: { ...job.state, nextRunAt: clock.now() + 60 * MINUTE } });
    }
  };
  return { woke, started, onWake };
}

alarmContract("local timer", async () => {
  const db = openStateDb(":memory:");
  const clock = createFakeClock();
  const store = createSqliteCronStore({ db, clock });
  const alarm = createTimerAlarm({ store, clock, stuckMs: STUCK_MS });
  const stop = new AbortController();
  const fired: string[] = [];
  // What the cron service's wake-up does, in short: take what is due (or stuck) and move it on.
  alarm.watch(async () => {
    const now = clock.now();
    for (const job of await store.dueOrRunning(now)) {
      if (job.state.running && now - job.state.running.since < STUCK_MS) continue;
      fired.push(job.id);
      const { nextRunAt: _, running: __, ...state } = job.state;
      await store.save({ ...job, state });
    }
  }, stop.signal);
  return {
    alarm,
    clock,
    stuckMs: STUCK_MS,
    save: (job) => store.save(job),
    remove: async (id) => void (await store.remove(id)),
    async advance(ms) {
      const from = fired.length;
      for (let done = 0; done < ms; done += 10_000) {
        await clock.advance(Math.min(10_000, ms - done));
        await settle();
      }
      return fired.slice(from);
    },
    async cleanup() {
      stop.abort();
      db.close();
    },
  };
});

describe("the local timer alarm", () => {
  it("wakes when the earliest job is due, not before, with one timer waiting meanwhile", async () => {
    const { clock, store, alarm, stop } = world();
    const start = clock.now();
    await store.save(cronJob("a", start + 90 * MINUTE));
    await store.save(cronJob("later", start + 300 * MINUTE));
    const { started, onWake } = starter(store, clock);
    alarm.watch(onWake, stop.signal);
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    await clock.advance(90 * MINUTE - 1);
    expect(started).toEqual([]);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    await expect.poll(() => started).toEqual(["a"]);
    stop.abort();
    await clock.advance(0);
    expect(clock.pending).toBe(0);
  });

  it("re-arms for a job saved with an earlier time, and forgets removed and paused ones", async () => {
    const { clock, store, alarm, stop } = world();
    const start = clock.now();
    await store.save(cronJob("late", start + 120 * MINUTE));
    const { started, onWake } = starter(store, clock);
    alarm.watch(onWake, stop.signal);
    await clock.advance(0);
    await store.save(cronJob("soon", start + 5 * MINUTE));
    await store.save(cronJob("removed", start + 6 * MINUTE));
    await store.save(cronJob("paused", start + 7 * MINUTE, { enabled: false }));
    await store.remove("removed");
    await clock.advance(5 * MINUTE);
    await expect.poll(() => started).toEqual(["soon"]);
    await clock.advance(10 * MINUTE);
    expect(started).toEqual(["soon"]);
  });

  it("wakes at a running job's stuck deadline, so the sweep can clear it", async () => {
    const { clock, store, alarm, stop } = world();
    const since = clock.now();
    await store.save(
      cronJob("r", undefined, { state: { consecutiveErrors: 0, running: { runId: "x", since } } }),
    );
    const { woke, onWake } = starter(store, clock);
    alarm.watch(onWake, stop.signal);
    await clock.advance(STUCK_MS - 1);
    expect(woke).toEqual([]);
    await clock.advance(1);
    await expect.poll(() => woke).toEqual([since + STUCK_MS]);
  });

  it("pauses rather than spins when a wake-up leaves the same moment due", async () => {
    const { clock, store, alarm, stop } = world();
    const since = clock.now();
    await store.save(
      cronJob("r", undefined, { state: { consecutiveErrors: 0, running: { runId: "x", since } } }),
    );
    const woke: number[] = [];
    // This wake-up does not clear the stuck run (the cron service's sweep would).
    alarm.watch(async () => void woke.push(clock.now()), stop.signal);
    await clock.advance(STUCK_MS);
    await clock.advance(9_999);
    expect(woke).toEqual([since + STUCK_MS]);
    await clock.advance(1);
    await expect.poll(() => woke).toEqual([since + STUCK_MS, since + STUCK_MS + 10_000]);
  });

  it("does not wake again while a wake-up is in progress", async () => {
    const { clock, store, alarm, stop } = world();
    await store.save(cronJob("slow", clock.now() + MINUTE));
    let calls = 0;
    let finish!: () => void;
    alarm.watch(async () => {
      calls++;
      await new Promise<void>((resolve) => (finish = resolve));
      await store.save(cronJob("slow", clock.now() + 60 * MINUTE));
    }, stop.signal);
    await clock.advance(MINUTE);
    await expect.poll(() => calls).toBe(1);
    await clock.advance(MINUTE);
    await store.save(cronJob("other", clock.now()));
    expect(calls).toBe(1);
    finish();
    // What fell due meanwhile is looked at right after.
    await expect.poll(() => calls).toBe(2);
  });

  it("waits a pause after a wake-up that failed before waking again", async () => {
    const { clock, store, alarm, stop } = world();
    await store.save(cronJob("flaky", clock.now() + MINUTE));
    const calls: number[] = [];
    alarm.watch(async () => {
      calls.push(clock.now());
      throw new Error("disk full");
    }, stop.signal);
    await clock.advance(MINUTE);
    await clock.advance(5_000);
    expect(calls).toHaveLength(1);
    await clock.advance(5_000);
    await expect.poll(() => calls).toHaveLength(2);
  });

  it("wakes for a job another process added, told by the change signal rather than a poll", async () => {
    const dir = await mkdtemp(join(tmpdir(), "agent-claw-timer-alarm-"));
    const file = join(dir, "state.db");
    const changeSignal = join(dir, "cron.changed");
    const clock = createSystemClock();
    const gatewayDb = openStateDb(file);
    const cliDb = openStateDb(file);
    const stop = new AbortController();
    cleanups.push(async () => {
      stop.abort();
      gatewayDb.close();
      cliDb.close();
      await rm(dir, { recursive: true, force: true });
    });
    const gateway = createSqliteCronStore({ db: gatewayDb, clock, changeSignal });
    const cli = createSqliteCronStore({ db: cliDb, clock, changeSignal });
    const woken = new Promise<string[]>((resolve) =>
      createTimerAlarm({ store: gateway, clock, stuckMs: STUCK_MS, changeSignal }).watch(async () => {
        const due = await gateway.dueOrRunning(clock.now());
        for (const job of due) await gateway.save({ ...job, enabled: false });
        if (due.length > 0) resolve(due.map((j) => j.id));
      }, stop.signal),
    );
    // Due at once: only the signal can make the gateway look before its minute-long sleep ends.
    await cli.save(cronJob("from-cli", clock.now()));
    expect(await woken).toEqual(["from-cli"]);
  });
});
