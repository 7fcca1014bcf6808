// The cron service over the real SQLite store and timer alarm, with a fake clock: catch-up after
// downtime, backoff and recovery, stuck runs found by the sweep, resumed runs, run now, chat scopes,
// runs finished by another process, and alarm firings delivered twice that run once.
import type { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { createTimerAlarm } from "../../src/adapters/local/timer-alarm.ts";
import { createSqliteClaims } from "../../src/adapters/sqlite/claims.ts";
import { createSqliteCronStore, type SqliteCronStore } from "../../src/adapters/sqlite/cron-store.ts";
import { openStateDb } from "../../src/adapters/sqlite/db.ts";
import type { CronScope } from "../../src/core/cron/cron-input.ts";
import type { CronJob, CronRunRef } from "../../src/core/cron/cron-job.ts";
import { type CronRunResult, type CronService, createCronService } from "../../src/core/cron/cron-service.ts";
import { DEFAULT_STUCK_MS } from "../../src/core/cron/run-state.ts";
import { createFakeClock, type FakeClock } from "../../src/util/fake-clock.ts";
import { settle } from "./settle.ts";

const MIN = 60_000;
const OWNER: CronScope = { kind: "owner" };

interface World {
  db: DatabaseSync;
  clock: FakeClock;
  store: SqliteCronStore;
  service: CronService;
  /** Each execute call: job id, run id and the time it happened. */
  calls: Array<{ id: string; runId: string; at: number }>;
  /** What execute answers next (default ok); "started": the work was queued, finishRun records it. */
  answers: Array<CronRunResult | "hang" | "started">;
  stop: AbortController;
}

const worlds: World[] = [];
afterEach(() => {
  const dbs = new Set<DatabaseSync>();
  for (const w of worlds.splice(0)) {
    w.stop.abort();
    dbs.add(w.db);
  }
  for (const db of dbs) db.close();
});

/** A service on `db` (a "process"); start() is up to the test. */
function world(db = openStateDb(":memory:"), clock = createFakeClock(), stuckMs?: number): World {
  const store = createSqliteCronStore({ db, clock });
  const alarm = createTimerAlarm({ store, clock, stuckMs: stuckMs ?? DEFAULT_STUCK_MS });
  let n = 0;
  const w: World = {
    db,
    clock,
    store,
    service: createCronService({
      store,
      alarm,
      claims: createSqliteClaims({ db, clock }),
      clock,
      timeZone: () => "Europe/Berlin",
      newId: () => `job${++n}`,
      ...(stuckMs && { stuckMs }),
    }),
    calls: [],
    answers: [],
    stop: new AbortController(),
  };
  worlds.push(w);
  return w;
}

const execute = (w: World) => async (job: CronJob, run: CronRunRef) => {
  w.calls.push({ id: job.id, runId: run.runId, at: w.clock.now() });
  const answer = w.answers.shift() ?? { ok: true };
  if (answer === "hang") return new Promise<CronRunResult>(() => {});
  return answer;
};

const start = async (w: World) => {
  await w.service.start(execute(w), w.stop.signal);
  await settle();
};

/** Moves the fake clock on in steps, letting each wake-up's writes finish before the next. */
async function advance(w: World, ms: number, step = 1_000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await w.clock.advance(Math.min(step, ms - done));
    await settle();
  }
}

/** A restart: a new service on the same database, `downMs` later. */
function restart(w: World, downMs: number): Promise<World> {
  w.stop.abort();
  const next = world(w.db, w.clock);
  worlds.splice(worlds.indexOf(w), 1);
  return w.clock.advance(downMs).then(() => next);
}

describe("cron service", () => {
  it("runs a job that fell due during downtime once at start, however many runs were missed", async () => {
    const w = world();
    const t0 = w.clock.now();
    await w.service.add({ every: "10m", systemEvent: "stretch" }, OWNER);
    const after = await restart(w, 125 * MIN);
    await start(after);
    expect(after.calls).toEqual([{ id: "job1", runId: `cron:job1:${t0 + 10 * MIN}`, at: t0 + 125 * MIN }]);
    const [job] = await after.service.list(OWNER);
    expect(job!.state).toMatchObject({ lastStatus: "ok", nextRunAt: t0 + 130 * MIN, consecutiveErrors: 0 });
    await advance(after, 5 * MIN);
    expect(after.calls.map((c) => c.at)).toEqual([t0 + 125 * MIN, t0 + 130 * MIN]);
  });

  it("skips missed runs when told to, and records the skip rather than losing a one-shot", async () => {
    const w = world();
    const t0 = w.clock.now();
    await w.service.add({ every: "10m", systemEvent: "tick", catchUp: "skip" }, OWNER);
    await w.service.add({ at: "in 5m", systemEvent: "call mum", catchUp: "skip" }, OWNER);
    await w.service.add({ at: "in 5m", systemEvent: "water plants", catchUp: "3h" }, OWNER);
    const after = await restart(w, 2 * 60 * MIN);
    await start(after);
    expect(after.calls.map((c) => c.id)).toEqual(["job3"]);
    const [tick, mum, plants] = await after.service.list(OWNER);
    expect(tick!.state).toMatchObject({ lastStatus: "skipped", nextRunAt: t0 + 130 * MIN });
    expect(mum!.state.lastStatus).toBe("skipped");
    expect(mum!.state.nextRunAt).toBeUndefined();
    const [missed] = await after.service.runs("job2", OWNER);
    expect(missed).toMatchObject({
      status: "skipped",
      error: expect.stringMatching(/missed while the assistant was not running \(1h 55m late/),
    });
    expect(plants!.state).toMatchObject({ lastStatus: "ok" });
  });

  it("backs a failing job off (30 s, 1 min, 2 min) and returns to its schedule once it works", async () => {
    const w = world();
    await start(w);
    const t0 = w.clock.now();
    await w.service.add({ every: "10s", systemEvent: "poll the printer" }, OWNER);
    await settle();
    w.answers.push(
      { ok: false, error: "printer offline" },
      { ok: false, error: "printer offline" },
      { ok: false, error: "printer offline" },
    );
    await advance(w, 10_000 + 30_000 + 60_000 + 120_000 + 15_000);
    const times = w.calls.map((c) => (c.at - t0) / 1000);
    expect(times).toEqual([10, 40, 100, 220, 230]);
    const [job] = await w.service.list(OWNER);
    expect(job!.state).toMatchObject({ consecutiveErrors: 0, lastStatus: "ok" });
    const runs = await w.service.runs("job1", OWNER);
    expect(runs.map((r) => r.status)).toEqual(["ok", "ok", "error", "error", "error"]);
    expect(runs[2]).toMatchObject({ error: "printer offline" });
  });

  it("clears a run stuck past the limit, records it, and schedules the next", async () => {
    const w = world(undefined, undefined, 5 * MIN);
    await start(w);
    const t0 = w.clock.now();
    await w.service.add({ every: "1h", message: "daily digest", deliver: "none" }, OWNER);
    w.answers.push("hang");
    await advance(w, 60 * MIN, 60_000);
    expect((await w.service.list(OWNER))[0]!.state.running).toMatchObject({ since: t0 + 60 * MIN });
    await advance(w, 5 * MIN, 60_000);
    const [job] = await w.service.list(OWNER);
    expect(job!.state).toMatchObject({
      lastStatus: "stuck",
      consecutiveErrors: 1,
      nextRunAt: t0 + 120 * MIN,
    });
    expect(job!.state.running).toBeUndefined();
    expect((await w.service.runs("job1", OWNER))[0]).toMatchObject({
      status: "stuck",
      error: expect.stringMatching(/did not finish within 5 minutes/),
    });
  });

  it("resumes a run a crash interrupted under the same run id, so its work is not done twice", async () => {
    const w = world();
    await start(w);
    await w.service.add({ at: "in 1m", message: "send the report", deliver: "none" }, OWNER);
    w.answers.push("hang");
    await advance(w, MIN);
    const runId = w.calls[0]!.runId;
    const after = await restart(w, 10_000);
    await start(after);
    expect(after.calls.map((c) => c.runId)).toEqual([runId]);
    const [job] = await after.service.list(OWNER);
    expect(job!.state).toMatchObject({ lastStatus: "ok" });
    expect(job!.state.nextRunAt).toBeUndefined();
  });

  it("leaves a run that stopping cut short to be resumed, rather than counting it as failed", async () => {
    const w = world();
    await start(w);
    await w.service.add({ at: "in 1m", message: "weekly report", deliver: "none" }, OWNER);
    let fail!: (error: Error) => void;
    w.answers.push("hang");
    await advance(w, MIN);
    // After a restart, the resumed run's executor is waiting for the turn's outcome when the gateway stops.
    const after = await restart(w, 0);
    await after.service.start(() => new Promise((_, reject) => (fail = reject)), after.stop.signal);
    await settle();
    after.stop.abort();
    fail(new Error("gateway shutting down"));
    await settle();
    const [job] = await after.service.list(OWNER);
    expect(job!.state.running).toBeDefined();
    expect(job!.state.consecutiveErrors).toBe(0);
    expect(await after.service.runs(job!.id, OWNER)).toEqual([]);
  });

  it("runs a job now without moving its schedule; in a process that does not run jobs it marks it due", async () => {
    const cli = world();
    const t0 = cli.clock.now();
    const job = await cli.service.add({ every: "1h", systemEvent: "check mail" }, OWNER);
    expect(await cli.service.runNow(job.id, OWNER)).toEqual({ started: false });
    expect((await cli.service.get(job.id, OWNER)).state.nextRunAt).toBe(t0);
    const gateway = await restart(cli, 1_000);
    await start(gateway);
    expect(gateway.calls).toHaveLength(1);
    expect(await gateway.service.runNow(job.id, OWNER)).toEqual({ started: true });
    await settle();
    expect(gateway.calls.map((c) => c.runId)).toEqual([
      `cron:${job.id}:${t0}`,
      `cron:${job.id}:manual:${t0 + 1_000}`,
    ]);
    expect((await gateway.service.get(job.id, OWNER)).state.nextRunAt).toBe(t0 + 60 * MIN);
  });

  it("moves a cron job to another time zone when only the zone changes", async () => {
    const w = world();
    const job = await w.service.add({ cron: "0 9 * * *", systemEvent: "morning" }, OWNER);
    const moved = await w.service.update(job.id, { tz: "America/New_York" }, OWNER);
    expect(moved.schedule).toEqual({ kind: "cron", expr: "0 9 * * *", tz: "America/New_York" });
    // 09:00 in New York is 14:00 UTC (the fake clock starts at 09:00 UTC on 22 November).
    expect(new Date(moved.state.nextRunAt!).toISOString()).toBe("2026-11-22T14:00:00.000Z");
    const every = await w.service.add({ every: "1h", systemEvent: "x" }, OWNER);
    await expect(w.service.update(every.id, { tz: "UTC" }, OWNER)).rejects.toThrow(/"tz" goes with "cron"/);
  });

  it("pauses and resumes; a paused job does not run", async () => {
    const w = world();
    await start(w);
    const job = await w.service.add({ every: "10m", systemEvent: "tick" }, OWNER);
    await w.service.update(job.id, { enabled: false }, OWNER);
    await advance(w, 30 * MIN, 60_000);
    expect(w.calls).toEqual([]);
    const resumed = await w.service.update(job.id, { enabled: true }, OWNER);
    expect(resumed.state.nextRunAt).toBe(w.clock.now() + 10 * MIN);
    await advance(w, 10 * MIN, 60_000);
    expect(w.calls).toHaveLength(1);
  });

  it("keeps a chat to its own jobs and its own chat as the target", async () => {
    const w = world();
    const origin = { channel: "telegram", account: "default", chatId: "42" };
    const chat: CronScope = { kind: "chat", origin, deliverAnywhere: false };
    const owners = await w.service.add({ every: "1h", systemEvent: "owner's" }, OWNER);
    const mine = await w.service.add({ at: "in 1h", message: "remind me of tea" }, chat);
    expect(mine.action).toEqual({
      kind: "agentTurn",
      message: "remind me of tea",
      deliver: { mode: "to", to: origin },
    });
    expect((await w.service.list(chat)).map((j) => j.id)).toEqual([mine.id]);
    await expect(w.service.remove(owners.id, chat)).rejects.toThrow(/no cron job "job1" made in this chat/);
    await expect(
      w.service.add({ at: "in 1h", message: "x", deliver: { channel: "telegram", chatId: "99" } }, chat),
    ).rejects.toThrow(/can only deliver to that chat/);
    await expect(w.service.add({ at: "in 1h", message: "x", deliver: "last" }, chat)).rejects.toThrow(
      /can only deliver to that chat/,
    );
    const anywhere: CronScope = { ...chat, deliverAnywhere: true };
    expect(
      (await w.service.add({ at: "in 1h", message: "x", deliver: "last" }, anywhere)).action,
    ).toMatchObject({
      deliver: { mode: "last" },
    });
  });
});

describe("cron runs in any process", () => {
  it("records a run whose work was queued when another process finishes it, once however often", async () => {
    const gateway = world();
    await start(gateway);
    const job = await gateway.service.add({ every: "10m", message: "digest", deliver: "none" }, OWNER);
    gateway.answers.push("started");
    await advance(gateway, 10 * MIN, 60_000);
    const [call] = gateway.calls;
    expect((await gateway.service.get(job.id, OWNER)).state.running).toMatchObject({ runId: call!.runId });
    expect(await gateway.service.runs(job.id, OWNER)).toEqual([]);

    // The runner (another service on the same state) stores the outcome and finishes the run; a
    // crash and retry finishes it again.
    const runner = world(gateway.db, gateway.clock);
    const ref = { jobId: job.id, runId: call!.runId, dueAt: call!.at, startedAt: call!.at };
    await runner.service.finishRun(ref, { ok: true, summary: "sent" });
    await runner.service.finishRun(ref, { ok: false, error: "late duplicate" });
    const runs = await gateway.service.runs(job.id, OWNER);
    expect(runs).toMatchObject([{ runId: call!.runId, status: "ok", summary: "sent" }]);
    const { state } = await gateway.service.get(job.id, OWNER);
    expect(state).toMatchObject({ lastStatus: "ok", consecutiveErrors: 0, nextRunAt: call!.at + 10 * MIN });
    expect(state.running).toBeUndefined();
  });

  it("runs an alarm's firing once when it is delivered twice, and ignores firings of paused or removed jobs", async () => {
    const lambda = world();
    const run = execute(lambda);
    const job = await lambda.service.add({ every: "1h", systemEvent: "stretch" }, OWNER);
    const slot = job.state.nextRunAt!;
    expect(await lambda.service.fireFromAlarm(job.id, slot, run)).toBe("not due");
    await lambda.clock.advance(60 * MIN);
    const both = await Promise.all([
      lambda.service.fireFromAlarm(job.id, slot, run),
      lambda.service.fireFromAlarm(job.id, slot, run),
    ]);
    expect(both.sort()).toEqual(["duplicate", "fired"]);
    // A third delivery, after the run was recorded: the job is due an hour later now.
    expect(await lambda.service.fireFromAlarm(job.id, slot, run)).toBe("not due");
    expect(lambda.calls).toEqual([{ id: job.id, runId: `cron:${job.id}:${slot}`, at: slot }]);
    expect(await lambda.service.runs(job.id, OWNER)).toHaveLength(1);

    await lambda.clock.advance(60 * MIN);
    await lambda.service.update(job.id, { enabled: false }, OWNER);
    expect(await lambda.service.fireFromAlarm(job.id, slot + 60 * MIN, run)).toBe("not due");
    await lambda.service.remove(job.id, OWNER);
    expect(await lambda.service.fireFromAlarm(job.id, slot + 60 * MIN, run)).toBe("gone");
    expect(lambda.calls).toHaveLength(1);
  });

  it("lets a job's catch-up policy skip a firing that comes far later than due", async () => {
    const lambda = world();
    const run = execute(lambda);
    const strict = await lambda.service.add({ every: "1h", systemEvent: "tick", catchUp: "skip" }, OWNER);
    const relaxed = await lambda.service.add({ every: "1h", systemEvent: "tock" }, OWNER);
    const slot = strict.state.nextRunAt!;
    await lambda.clock.advance(60 * MIN + 30 * MIN);
    expect(await lambda.service.fireFromAlarm(strict.id, slot, run)).toBe("not due");
    expect(await lambda.service.fireFromAlarm(relaxed.id, slot, run)).toBe("fired");
    expect(lambda.calls.map((c) => c.id)).toEqual([relaxed.id]);
    expect((await lambda.service.runs(strict.id, OWNER))[0]).toMatchObject({
      status: "skipped",
      error: expect.stringMatching(/30m late; catch-up policy skip/),
    });
    expect((await lambda.service.get(strict.id, OWNER)).state.nextRunAt).toBe(slot + 60 * MIN);
  });

  it("counts a firing up to a minute early for the job's due time (EventBridge's precision)", async () => {
    const lambda = world();
    const job = await lambda.service.add({ at: "in 90s", systemEvent: "tea" }, OWNER);
    await lambda.clock.advance(60_000);
    expect(await lambda.service.fireFromAlarm(job.id, lambda.clock.now(), execute(lambda))).toBe("fired");
    expect((await lambda.service.get(job.id, OWNER)).state).toMatchObject({ lastStatus: "ok" });
  });

  it("finds a stuck run by a sweep, with no timer held in memory by the process that began it", async () => {
    const lambda = world(undefined, undefined, 5 * MIN);
    const job = await lambda.service.add({ every: "1h", message: "report", deliver: "none" }, OWNER);
    lambda.answers.push("started");
    await lambda.clock.advance(60 * MIN);
    expect(await lambda.service.fireFromAlarm(job.id, lambda.clock.now(), execute(lambda))).toBe("fired");
    await lambda.clock.advance(5 * MIN - 1);
    await lambda.service.sweep();
    expect((await lambda.service.get(job.id, OWNER)).state.running).toBeDefined();
    await lambda.clock.advance(1);
    // Any later process sweeps (the next firing of any job does too).
    const next = world(lambda.db, lambda.clock, 5 * MIN);
    await next.service.sweep();
    const { state } = await next.service.get(job.id, OWNER);
    expect(state).toMatchObject({ lastStatus: "stuck", consecutiveErrors: 1 });
    expect(state.running).toBeUndefined();
    expect((await next.service.runs(job.id, OWNER))[0]).toMatchObject({
      status: "stuck",
      error: expect.stringMatching(/did not finish within 5 minutes/),
    });
  });
});
