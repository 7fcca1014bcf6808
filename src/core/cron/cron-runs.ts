// The life of one cron run, the same in the daemon and in the Lambdas: mark the job running, execute,
// and record the end, here or in whichever process finishes a queued turn (finish is keyed by the run
// id, so a run recorded twice counts once); a sweep clears runs that went on too long; a daemon's
// start catches up on what it missed while down.
import type { Clock } from "../../ports/clock.ts";
import type { CronStore } from "../../ports/cron-store.ts";
import type { CronJob, CronRunRef, RunStatus } from "./cron-job.ts";
import { formatDuration } from "./duration.ts";
import { decideAtStart, type StartDecision, stateAfterRun, stuckMessage } from "./run-state.ts";

export type CronRunResult =
  | { ok: true; summary?: string }
  /**
   * `retry: false` when trying again cannot change the outcome (a setting decided it): the job then
   * follows its schedule without backoff retries, and a one-shot is done.
   */
  | { ok: false; error: string; retry?: false };

/**
 * Carries out one run of a job; `run.runId` is stable across a crash and restart (use it as an
 * idempotency key). "started": the work was queued, and whoever finishes it calls CronService.finishRun.
 */
export type CronExecute = (job: CronJob, run: CronRunRef) => Promise<CronRunResult | "started">;

export interface CronRunsDeps {
  store: CronStore;
  clock: Clock;
  stuckMs: number;
  /** Stores a job and sets its alarm. */
  save(job: CronJob): Promise<unknown>;
  log(level: "info" | "warn" | "error", message: string): void;
}

/** The run a job has in progress, as a reference any process can finish. */
export function runningRef(job: CronJob): CronRunRef | undefined {
  const running = job.state.running;
  if (!running) return undefined;
  return {
    jobId: job.id,
    runId: running.runId,
    dueAt: running.dueAt ?? running.since,
    startedAt: running.since,
  };
}

export function createCronRuns(deps: CronRunsDeps) {
  const { store, clock, stuckMs, log } = deps;

  /** Marks `job` running for the slot `dueAt` (its alarm moves to the stuck deadline). */
  async function begin(job: CronJob, dueAt: number, runId: string): Promise<CronRunRef> {
    const startedAt = clock.now();
    const { nextRunAt: _, ...state } = job.state;
    await deps.save({ ...job, state: { ...state, running: { runId, since: startedAt, dueAt } } });
    return { jobId: job.id, runId, dueAt, startedAt };
  }

  /** Records the end of `ref` and schedules the job's next run; nothing when it is no longer running it. */
  async function finish(ref: CronRunRef, result: CronRunResult | "stuck"): Promise<void> {
    // The job as it is now: it may have been edited, paused or removed while it ran.
    const job = await store.get(ref.jobId);
    // Removed, or this run ended already (recorded by another process, or cleared as stuck).
    if (job?.state.running?.runId !== ref.runId) return;
    const finishedAt = clock.now();
    const status: RunStatus = result === "stuck" ? "stuck" : result.ok ? "ok" : "error";
    const error = result === "stuck" ? stuckMessage(stuckMs) : result.ok ? undefined : result.error;
    const summary = result !== "stuck" && result.ok ? result.summary : undefined;
    await store.addRun({
      runId: ref.runId,
      jobId: ref.jobId,
      dueAt: ref.dueAt,
      startedAt: ref.startedAt,
      finishedAt,
      status,
      ...(error !== undefined && { error }),
      ...(summary !== undefined && { summary }),
    });
    const retryable = !(result !== "stuck" && !result.ok && result.retry === false);
    const next = { ...job, state: stateAfterRun(job, status, finishedAt, error, retryable) };
    await deps.save(next);
    if (status !== "ok") {
      const retry =
        next.state.nextRunAt === undefined
          ? "no further tries"
          : `next try in ${formatDuration(next.state.nextRunAt - finishedAt)}`;
      log(
        "warn",
        `cron job "${job.name}" (${job.id}) ${status === "stuck" ? "was stuck" : "failed"}: ${error} (${retry})`,
      );
    }
  }

  /**
   * Executes a begun run and records its end, unless the work was queued ("started": the process
   * that finishes it records it) or `stopped` aborted meanwhile (it stays running; the next start resumes it).
   */
  async function execute(
    job: CronJob,
    ref: CronRunRef,
    run: CronExecute,
    stopped?: AbortSignal,
  ): Promise<void> {
    let result: CronRunResult | "started";
    try {
      result = await run(job, ref);
    } catch (error) {
      result = { ok: false, error: (error as Error).message };
    }
    if (stopped?.aborted || result === "started") return;
    await finish(ref, result);
  }

  /** True when the job's run has gone on past the stuck limit at `now`. */
  const isStuck = (job: CronJob, now: number) =>
    job.state.running !== undefined && now - job.state.running.since >= stuckMs;

  /** Clears every run stuck at `now`; returns the jobs that are due and not running, for the caller. */
  async function sweep(now = clock.now()): Promise<CronJob[]> {
    const due: CronJob[] = [];
    for (const job of await store.dueOrRunning(now)) {
      if (isStuck(job, now)) await finish(runningRef(job)!, "stuck");
      else if (!job.state.running) due.push(job);
    }
    return due;
  }

  /** Records a missed run as skipped (the job's catch-up policy said so) and moves the job on. */
  async function skip(job: CronJob, decision: Extract<StartDecision, { kind: "skip" }>, now: number) {
    await store.addRun({
      runId: `cron:${job.id}:${job.state.nextRunAt}`,
      jobId: job.id,
      dueAt: job.state.nextRunAt!,
      startedAt: now,
      finishedAt: now,
      status: "skipped",
      error: `missed while the assistant was not running (${formatDuration(decision.lateMs)} late; catch-up policy ${job.catchUp.policy})`,
    });
    await deps.save({ ...job, state: decision.state });
  }

  /**
   * The daemon's start: missed runs (run or skipped per the job's catch-up policy), stuck runs, and
   * runs a stop interrupted (resumed under the same run id through `launch`, so nothing is done twice).
   */
  async function catchUp(
    launch: (job: CronJob, dueAt: number, runId: string) => Promise<void>,
  ): Promise<void> {
    const now = clock.now();
    for (const job of await store.dueOrRunning(now)) {
      const decision = decideAtStart(job, now, stuckMs);
      if (decision.kind === "skip") {
        await skip(job, decision, now);
      } else if (decision.kind === "stuck") {
        await finish(runningRef(job)!, "stuck");
      } else if (decision.kind === "resume") {
        log("info", `cron job "${job.name}" (${job.id}) was running when the assistant stopped; resuming it`);
        await launch(job, runningRef(job)!.dueAt, decision.runId);
      }
      // "run": it is due, so the alarm's first wake-up starts it.
    }
  }

  return { begin, finish, execute, sweep, catchUp, skip };
}
