// What a job's state becomes after a run, and at start after downtime. Pure, so tests drive it
// with plain numbers: backoff, recovery, catch-up and stuck runs.
import type { CronJob, CronJobState, RunStatus } from "./cron-job.ts";
import { nextRunAfter } from "./schedule.ts";

export const BACKOFF_FIRST_MS = 30_000;
export const BACKOFF_MAX_MS = 60 * 60_000;
/** A one-shot job that keeps failing stops after this many tries (and says so in its state). */
export const AT_MAX_ATTEMPTS = 5;
/** A run still going after this long is cleared and recorded as stuck. */
export const DEFAULT_STUCK_MS = 2 * 60 * 60_000;

/** The wait after the n-th failure in a row: 30 s, 1 min, 2 min, … up to 60 min. */
export function backoffMs(consecutiveErrors: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, consecutiveErrors - 1));
}

/**
 * The state after a run that ended at `at` with `status`. A failure with `retry` false is not tried
 * again sooner: the job keeps its schedule, and a one-shot is done.
 */
export function stateAfterRun(
  job: CronJob,
  status: RunStatus,
  at: number,
  error?: string,
  retry = true,
): CronJobState {
  const { running, runRequestedAt: __, ...rest } = job.state;
  const failed = status === "error" || status === "stuck";
  const consecutiveErrors = failed ? job.state.consecutiveErrors + 1 : 0;
  // The next slot comes after the one this run was for, also when the run ended before it (a firing
  // up to a minute early, as EventBridge's precision allows): that slot is done.
  const from = Math.max(at, running?.dueAt ?? at);
  // A one-shot that worked is done, also when it ran early ("run now").
  let nextRunAt =
    job.schedule.kind === "at" && (!failed || !retry) ? undefined : nextRunAfter(job.schedule, from);
  if (failed && retry) {
    const retryAt = at + backoffMs(consecutiveErrors);
    if (job.schedule.kind === "at") {
      // A one-shot is tried again until it works or has failed AT_MAX_ATTEMPTS times.
      nextRunAt = consecutiveErrors < AT_MAX_ATTEMPTS ? retryAt : undefined;
    } else {
      // A recurring job is not run more often than its schedule, nor sooner than the backoff.
      nextRunAt = nextRunAt === undefined ? undefined : Math.max(nextRunAt, retryAt);
    }
  }
  const next: CronJobState = {
    ...rest,
    lastRunAt: at,
    lastStatus: status,
    consecutiveErrors,
  };
  if (nextRunAt === undefined) delete next.nextRunAt;
  else next.nextRunAt = nextRunAt;
  if (error === undefined) delete next.lastError;
  else next.lastError = error;
  return next;
}

export type StartDecision =
  /** Nothing to do: not due, or paused. */
  | { kind: "none" }
  /** Due (missed while down, or due now): run it once now. */
  | { kind: "run" }
  /** Missed and not to be run: record a skipped run, then continue from `state`. */
  | { kind: "skip"; lateMs: number; state: CronJobState }
  /** A run was left in progress by a crash; too old to resume: record it as stuck. */
  | { kind: "stuck"; state: CronJobState }
  /** A run was left in progress by a crash, recently: run it again under the same run id. */
  | { kind: "resume"; runId: string };

/** What to do with `job` when the scheduler starts at `now` (after a restart or downtime). */
export function decideAtStart(job: CronJob, now: number, stuckMs = DEFAULT_STUCK_MS): StartDecision {
  const running = job.state.running;
  if (running) {
    if (now - running.since < stuckMs) return { kind: "resume", runId: running.runId };
    return { kind: "stuck", state: stateAfterRun(job, "stuck", now, stuckMessage(stuckMs)) };
  }
  const due = job.state.nextRunAt;
  if (!job.enabled || due === undefined || due > now) return { kind: "none" };
  // Someone asked for this run ("cron run" while no gateway ran): not a missed one.
  if (job.state.runRequestedAt !== undefined) return { kind: "run" };
  const lateMs = now - due;
  const policy = job.catchUp;
  const run = policy.policy === "once" || (policy.policy === "ifLate" && lateMs <= policy.maxLateMs);
  if (run) return { kind: "run" };
  const next = nextRunAfter(job.schedule, now);
  const { running: _, ...rest } = job.state;
  const state: CronJobState = { ...rest, lastStatus: "skipped" };
  if (next === undefined) delete state.nextRunAt;
  else state.nextRunAt = next;
  return { kind: "skip", lateMs, state };
}

export const stuckMessage = (stuckMs: number) =>
  `the run did not finish within ${Math.round(stuckMs / 60_000)} minutes and was cleared`;
