// The cron jobs' life: add, change, pause, remove, run now; at start, catch up on runs missed
// while down and clear stuck ones; then fire each job when the scheduler says it is due, record the
// run, and work out the next one (with backoff after failures).
import type { Clock } from "../../ports/clock.ts";
import type { Scheduler } from "../../ports/scheduler.ts";
import type { CronJob, CronRun, RunStatus } from "./cron-job.ts";
import {
  applyUpdate,
  type CronAddInput,
  CronInputError,
  type CronScope,
  type CronUpdateInput,
  inScope,
  jobFromInput,
} from "./cron-input.ts";
import { formatDuration } from "./duration.ts";
import { decideAtStart, DEFAULT_STUCK_MS, stateAfterRun, stuckMessage } from "./run-state.ts";
import { nextRunAfter } from "./schedule.ts";

export type CronRunResult =
  | { ok: true; summary?: string }
  /**
   * `retry: false` when trying again cannot change the outcome (a setting decided it): the job then
   * follows its schedule without backoff retries, and a one-shot is done.
   */
  | { ok: false; error: string; retry?: false };

/** Carries out one run of a job; `runId` is stable across a crash and restart (use it as an idempotency key). */
export type CronExecute = (job: CronJob, runId: string) => Promise<CronRunResult>;

export interface CronServiceDeps {
  scheduler: Scheduler;
  clock: Clock;
  /** The user's time zone, for local times and cron expressions without one. */
  timeZone: () => string;
  newId: () => string;
  /** A run going longer than this is cleared and recorded as stuck (default 2 h). */
  stuckMs?: number;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export interface CronService {
  add(input: CronAddInput, scope: CronScope): Promise<CronJob>;
  update(id: string, patch: CronUpdateInput, scope: CronScope): Promise<CronJob>;
  remove(id: string, scope: CronScope): Promise<boolean>;
  get(id: string, scope: CronScope): Promise<CronJob>;
  list(scope: CronScope): Promise<CronJob[]>;
  runs(id: string, scope: CronScope, limit?: number): Promise<CronRun[]>;
  /**
   * Runs the job now, outside its schedule. Where this service runs jobs (started), at once; else
   * (the CLI beside a gateway) it is marked due and the gateway runs it. Resolves once it is started or marked.
   */
  runNow(id: string, scope: CronScope): Promise<{ started: boolean }>;
  /** Catches up, then runs jobs as they fall due, until `signal` aborts. */
  start(execute: CronExecute, signal: AbortSignal): Promise<void>;
  /** True once start() ran in this process. */
  readonly started: boolean;
  /** The user's time zone, for showing times. */
  readonly timeZone: string;
  /** Tells `listener` of every change made through this service (for live views); returns the unsubscribe. */
  subscribe(listener: (change: CronChange) => void): () => void;
}

export type CronChange = { job: CronJob } | { removed: string };

export class CronNotFoundError extends CronInputError {}

export function createCronService(deps: CronServiceDeps): CronService {
  const { scheduler, clock } = deps;
  const stuckMs = deps.stuckMs ?? DEFAULT_STUCK_MS;
  const log = deps.log ?? (() => {});
  const listeners = new Set<(change: CronChange) => void>();
  const changed = (change: CronChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // a view's problem, not the job's
      }
    }
  };
  let execute: CronExecute | undefined;
  let stopped: AbortSignal | undefined;

  const find = async (id: string, scope: CronScope): Promise<CronJob> => {
    const job = await scheduler.get(id);
    if (!job || !inScope(job, scope)) {
      throw new CronNotFoundError(
        `There is no cron job "${id}"${scope.kind === "chat" ? " made in this chat" : ""}; list them to see their ids.`,
      );
    }
    return job;
  };

  const save = async (job: CronJob) => {
    await scheduler.save(job);
    changed({ job });
    return job;
  };

  /** One run of `job` for the slot `dueAt`: marks it running, executes, records, schedules the next. */
  async function fire(job: CronJob, dueAt: number, runId: string): Promise<void> {
    const startedAt = clock.now();
    const { nextRunAt: _, ...state } = job.state;
    await save({ ...job, state: { ...state, running: { runId, since: startedAt } } });
    const stuckTimer = new AbortController();
    let result: CronRunResult | "stuck";
    try {
      result = await Promise.race([
        execute!(job, runId).catch((error: unknown): CronRunResult => ({
          ok: false,
          error: (error as Error).message,
        })),
        clock.sleep(stuckMs, stuckTimer.signal).then(() => "stuck" as const),
      ]);
    } finally {
      stuckTimer.abort();
    }
    // Stopping cut the run short: it stays "running" and the next start resumes it under its run id.
    if (stopped?.aborted) return;
    const finishedAt = clock.now();
    const status: RunStatus = result === "stuck" ? "stuck" : result.ok ? "ok" : "error";
    const error = result === "stuck" ? stuckMessage(stuckMs) : result.ok ? undefined : result.error;
    const summary = result !== "stuck" && result.ok ? result.summary : undefined;
    await scheduler.addRun({
      runId,
      jobId: job.id,
      dueAt,
      startedAt,
      finishedAt,
      status,
      ...(error !== undefined && { error }),
      ...(summary !== undefined && { summary }),
    });
    // The job as it is now: it may have been edited, paused or removed while it ran.
    const current = await scheduler.get(job.id);
    if (!current) return;
    const retryable = !(result !== "stuck" && !result.ok && result.retry === false);
    const next = { ...current, state: stateAfterRun(current, status, finishedAt, error, retryable) };
    await save(next);
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

  const onDue = (job: CronJob) => {
    const dueAt = job.state.nextRunAt ?? clock.now();
    return fire(job, dueAt, `cron:${job.id}:${dueAt}`);
  };

  /** Missed runs, interrupted runs and stuck runs, settled once at start. */
  async function catchUp(): Promise<void> {
    const now = clock.now();
    for (const job of await scheduler.dueOrRunning(now)) {
      const decision = decideAtStart(job, now, stuckMs);
      if (decision.kind === "skip") {
        await scheduler.addRun({
          runId: `cron:${job.id}:${job.state.nextRunAt}`,
          jobId: job.id,
          dueAt: job.state.nextRunAt!,
          startedAt: now,
          finishedAt: now,
          status: "skipped",
          error: `missed while the assistant was not running (${formatDuration(decision.lateMs)} late; catch-up policy ${job.catchUp.policy})`,
        });
        await save({ ...job, state: decision.state });
      } else if (decision.kind === "stuck") {
        const running = job.state.running!;
        await scheduler.addRun({
          runId: running.runId,
          jobId: job.id,
          dueAt: running.since,
          startedAt: running.since,
          finishedAt: now,
          status: "stuck",
          error: decision.state.lastError!,
        });
        await save({ ...job, state: decision.state });
      } else if (decision.kind === "resume") {
        // Same run id: what it had done already (a queued turn, a posted event) is not done twice.
        log("info", `cron job "${job.name}" (${job.id}) was running when the assistant stopped; resuming it`);
        void fire(job, job.state.running!.since, decision.runId);
      }
      // "run": it is due, so the scheduler hands it over as soon as it watches.
    }
  }

  return {
    get started() {
      return execute !== undefined;
    },
    get timeZone() {
      return deps.timeZone();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async add(input, scope) {
      const now = clock.now();
      const job = jobFromInput(input, { id: deps.newId(), now, tz: deps.timeZone(), scope });
      const nextRunAt = nextRunAfter(job.schedule, now);
      return save({ ...job, state: { consecutiveErrors: 0, ...(nextRunAt !== undefined && { nextRunAt }) } });
    },

    async update(id, patch, scope) {
      const job = await find(id, scope);
      const now = clock.now();
      const next = applyUpdate(job, patch, { now, tz: deps.timeZone(), scope });
      const state = { ...next.state };
      // applyUpdate keeps the schedule object itself unless the patch gave a new one.
      const rescheduled = next.schedule !== job.schedule;
      const resumed = !job.enabled && next.enabled;
      if (!state.running && (rescheduled || (resumed && (state.nextRunAt ?? 0) <= now))) {
        // A one-shot resumed after its time runs now rather than never.
        const nextRunAt =
          next.schedule.kind === "at" && !rescheduled && state.lastStatus !== "ok"
            ? now
            : nextRunAfter(next.schedule, now);
        if (nextRunAt === undefined) delete state.nextRunAt;
        else state.nextRunAt = nextRunAt;
        if (rescheduled) state.consecutiveErrors = 0;
      }
      return save({ ...next, state });
    },

    async remove(id, scope) {
      await find(id, scope);
      const removed = await scheduler.remove(id);
      if (removed) changed({ removed: id });
      return removed;
    },

    get: find,

    async list(scope) {
      return (await scheduler.list()).filter((job) => inScope(job, scope));
    },

    async runs(id, scope, limit) {
      await find(id, scope);
      return scheduler.runs(id, limit);
    },

    async runNow(id, scope) {
      const job = await find(id, scope);
      if (job.state.running) throw new CronInputError(`Cron job "${job.name}" is running already.`);
      const now = clock.now();
      if (execute) {
        void fire(job, now, `cron:${job.id}:manual:${now}`).catch((error: unknown) =>
          log("error", `cron job ${job.id}: ${(error as Error).message}`),
        );
        return { started: true };
      }
      if (!job.enabled) throw new CronInputError(`Cron job "${job.name}" is paused; resume it first.`);
      await save({ ...job, state: { ...job.state, nextRunAt: now, runRequestedAt: now } });
      return { started: false };
    },

    async start(run, signal) {
      execute = run;
      stopped = signal;
      await catchUp();
      scheduler.watch(onDue, signal);
    },
  };
}
