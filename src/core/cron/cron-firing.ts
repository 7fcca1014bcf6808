// A firing of a job's alarm from outside the process (EventBridge into the schedule Lambda): run the
// job if it is due, once however often the firing is delivered (a claim on jobId#scheduledTime), and
// sweep first, since no process keeps a timer for stuck runs or lost schedules.
import type { Alarm } from "../../ports/alarm.ts";
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CronStore } from "../../ports/cron-store.ts";
import type { CronExecute, createCronRuns } from "./cron-runs.ts";
import { decideAtStart } from "./run-state.ts";

/**
 * How early a firing may come for the job's due time: EventBridge fires with 60-second precision,
 * so a firing at 09:00:05 counts for a job due at 09:00:30.
 */
export const FIRE_EARLY_MS = 60_000;
/** How long a firing's claim keeps a second delivery of it out (EventBridge gives up on an event after 1 h). */
export const FIRE_CLAIM_MS = 60 * 60_000;
/**
 * A due job no firing has taken this long after its time lost its alarm (a sweep sets it again); a
 * firing this late is a missed run, which the job's catch-up policy may skip.
 */
export const OVERDUE_MS = 5 * 60_000;

export interface CronFiringDeps {
  store: CronStore;
  alarm: Alarm;
  claims: Pick<Claims, "claimOnce">;
  clock: Clock;
  stuckMs: number;
  runs: ReturnType<typeof createCronRuns>;
}

export function createCronFiring(deps: CronFiringDeps) {
  const { store, alarm, clock, stuckMs, runs } = deps;

  /** Clears stuck runs; where firings come from outside (EventBridge), re-arms due jobs nobody fired. */
  async function sweep(): Promise<void> {
    const now = clock.now();
    const due = await runs.sweep(now);
    if (alarm.watch) return;
    for (const job of due) if (job.state.nextRunAt! <= now - OVERDUE_MS) await alarm.set(job);
  }

  async function fire(
    jobId: string,
    scheduledAt: number,
    run: CronExecute,
  ): Promise<"fired" | "duplicate" | "not due" | "gone"> {
    await sweep();
    const job = await store.get(jobId);
    if (!job) {
      // A schedule outlived its job (removed while the firing was on its way): take it down.
      await alarm.clear(jobId);
      return "gone";
    }
    const now = clock.now();
    const due = job.state.nextRunAt;
    if (!job.enabled || job.state.running || due === undefined || due > now + FIRE_EARLY_MS) {
      // A firing that does not match the stored job (a stale schedule) puts the right one in place.
      if (!job.state.running) await alarm.set(job);
      return "not due";
    }
    if (!(await deps.claims.claimOnce(`cron:fire:${jobId}#${scheduledAt}`, FIRE_CLAIM_MS)))
      return "duplicate";
    // Far later than due (Scheduler could not deliver for a while): the job's catch-up policy decides.
    const decision = now - due > OVERDUE_MS ? decideAtStart(job, now, stuckMs) : undefined;
    if (decision?.kind === "skip") {
      await runs.skip(job, decision, now);
      return "not due";
    }
    const ref = await runs.begin(job, due, `cron:${job.id}:${due}`);
    await runs.execute(job, ref, run);
    return "fired";
  }

  return { fire, sweep };
}
