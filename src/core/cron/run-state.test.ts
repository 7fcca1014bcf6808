// What a job's state becomes after a run and at start: backoff, recovery, catch-up, stuck and resumed
// runs, and the slot after an early firing, on plain numbers.
import { describe, expect, it } from "vitest";
import type { CronJob } from "./cron-job.ts";
import { AT_MAX_ATTEMPTS, backoffMs, decideAtStart, DEFAULT_STUCK_MS, stateAfterRun } from "./run-state.ts";

const HOUR = 3_600_000;
const T = Date.parse("2026-12-02T08:00:00Z");

const job = (extra: Partial<CronJob> = {}): CronJob => ({
  id: "j",
  name: "j",
  enabled: true,
  schedule: { kind: "every", everyMs: 10 * 60_000, anchor: T },
  action: { kind: "systemEvent", text: "x" },
  catchUp: { policy: "once" },
  createdAt: T,
  updatedAt: T,
  state: { consecutiveErrors: 0, nextRunAt: T + 10 * 60_000 },
  ...extra,
});

describe("after a run", () => {
  it("backs off 30 s doubling to 60 min, and recovers after a success", () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(backoffMs)).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      1_920_000,
      HOUR,
      HOUR,
    ]);
    // A job every minute fails three times: each retry waits longer than its schedule.
    let j = job({ schedule: { kind: "every", everyMs: 60_000, anchor: T } });
    let at = T;
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      j = { ...j, state: stateAfterRun(j, "error", at, "boom") };
      waits.push(j.state.nextRunAt! - at);
      at = j.state.nextRunAt!;
    }
    expect(waits).toEqual([60_000, 60_000, 120_000]);
    expect(j.state).toMatchObject({ consecutiveErrors: 3, lastStatus: "error", lastError: "boom" });
    j = { ...j, state: stateAfterRun(j, "ok", at) };
    expect(j.state).toEqual({
      consecutiveErrors: 0,
      lastStatus: "ok",
      lastRunAt: at,
      nextRunAt: at + 60_000,
    });
  });

  it("retries a failed one-shot with backoff, and gives up visibly after its last try", () => {
    let j = job({ schedule: { kind: "at", at: T }, state: { consecutiveErrors: 0, nextRunAt: T } });
    j = { ...j, state: stateAfterRun(j, "error", T, "model down") };
    expect(j.state.nextRunAt).toBe(T + 30_000);
    for (let i = 1; i < AT_MAX_ATTEMPTS; i++) j = { ...j, state: stateAfterRun(j, "error", T, "model down") };
    expect(j.state.nextRunAt).toBeUndefined();
    expect(j.state).toMatchObject({ lastStatus: "error", consecutiveErrors: AT_MAX_ATTEMPTS });
    const done = stateAfterRun({ ...j, state: { consecutiveErrors: 0, nextRunAt: T } }, "ok", T);
    expect(done.nextRunAt).toBeUndefined();
    expect(done.lastStatus).toBe("ok");
  });

  it("does not retry a failure that another try cannot change: a one-shot is done, a recurring job keeps its schedule", () => {
    const once = job({ schedule: { kind: "at", at: T }, state: { consecutiveErrors: 0, nextRunAt: T } });
    expect(stateAfterRun(once, "error", T, "no target", false)).toMatchObject({
      lastStatus: "error",
      lastError: "no target",
    });
    expect(stateAfterRun(once, "error", T, "no target", false).nextRunAt).toBeUndefined();
    // Every 10 min, failed three times: without backoff it still runs every 10 min.
    let j = job();
    for (let i = 0; i < 3; i++)
      j = { ...j, state: stateAfterRun(j, "error", T + i * 600_000, "no target", false) };
    expect(j.state.nextRunAt).toBe(T + 3 * 600_000);
  });
  it("schedules the slot after the one a run was for, also when the run ended before that slot", () => {
    const slot = T + 10 * 60_000;
    const early = job({
      state: { consecutiveErrors: 0, running: { runId: "r", since: slot - 30_000, dueAt: slot } },
    });
    // A firing 30 s early (EventBridge fires with a minute's precision) finished 20 s before its slot.
    expect(stateAfterRun(early, "ok", slot - 20_000).nextRunAt).toBe(slot + 10 * 60_000);
    expect(stateAfterRun(early, "ok", slot + 15 * 60_000).nextRunAt).toBe(slot + 20 * 60_000);
  });
});

describe("at start", () => {
  const missed = (catchUp: CronJob["catchUp"], lateMs: number) =>
    decideAtStart(job({ catchUp, state: { consecutiveErrors: 0, nextRunAt: T } }), T + lateMs);

  it("runs a missed job once by default, skips it on request, or runs it only when not too late", () => {
    expect(missed({ policy: "once" }, 5 * HOUR)).toEqual({ kind: "run" });
    expect(missed({ policy: "skip" }, 5 * HOUR)).toMatchObject({
      kind: "skip",
      lateMs: 5 * HOUR,
      state: { lastStatus: "skipped", nextRunAt: T + 5 * HOUR + 10 * 60_000 },
    });
    expect(missed({ policy: "ifLate", maxLateMs: HOUR }, 30 * 60_000)).toEqual({ kind: "run" });
    expect(missed({ policy: "ifLate", maxLateMs: HOUR }, 2 * HOUR).kind).toBe("skip");
    expect(decideAtStart(job(), T)).toEqual({ kind: "none" });
    expect(
      decideAtStart(job({ enabled: false, state: { consecutiveErrors: 0, nextRunAt: T } }), T + HOUR),
    ).toEqual({
      kind: "none",
    });
  });

  it("runs a job someone asked to run while no gateway ran, whatever its catch-up policy", () => {
    const asked = job({
      catchUp: { policy: "skip" },
      state: { consecutiveErrors: 0, nextRunAt: T, runRequestedAt: T },
    });
    expect(decideAtStart(asked, T + 5 * HOUR)).toEqual({ kind: "run" });
    expect(stateAfterRun(asked, "ok", T + 5 * HOUR).runRequestedAt).toBeUndefined();
  });

  it("records a skipped one-shot as skipped instead of losing it", () => {
    const decision = decideAtStart(
      job({
        schedule: { kind: "at", at: T },
        catchUp: { policy: "skip" },
        state: { consecutiveErrors: 0, nextRunAt: T },
      }),
      T + HOUR,
    );
    expect(decision).toEqual({
      kind: "skip",
      lateMs: HOUR,
      state: { consecutiveErrors: 0, lastStatus: "skipped" },
    });
  });

  it("resumes a run a crash interrupted, and clears one stuck past the limit", () => {
    const running = job({ state: { consecutiveErrors: 0, running: { runId: "r1", since: T } } });
    expect(decideAtStart(running, T + HOUR)).toEqual({ kind: "resume", runId: "r1" });
    const stuck = decideAtStart(running, T + DEFAULT_STUCK_MS);
    expect(stuck).toMatchObject({ kind: "stuck", state: { lastStatus: "stuck", consecutiveErrors: 1 } });
    expect(stuck.kind === "stuck" && stuck.state.running).toBeUndefined();
    expect(stuck.kind === "stuck" && stuck.state.lastError).toMatch(/did not finish within 120 minutes/);
  });
});
