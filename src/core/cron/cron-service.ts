// The cron jobs' life: add, change, pause, remove, run now (each change stored, then its alarm set);
// in the daemon, catch up on runs missed while down, then run jobs as the local alarm wakes it; on
// AWS, run the job an EventBridge firing names (once, however often it is delivered).
import type { Alarm } from "../../ports/alarm.ts";
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CronStore } from "../../ports/cron-store.ts";
import type { CronJob, CronRun, CronRunRef } from "./cron-job.ts";
import {
  applyUpdate,
  type CronAddInput,
  CronInputError,
  type CronScope,
  type CronUpdateInput,
  inScope,
  jobFromInput,
} from "./cron-input.ts";
import { createCronFiring } from "./cron-firing.ts";
import { type CronExecute, type CronRunResult, createCronRuns } from "./cron-runs.ts";
import { DEFAULT_STUCK_MS } from "./run-state.ts";
import { nextRunAfter } from "./schedule.ts";

export { FIRE_CLAIM_MS, FIRE_EARLY_MS, OVERDUE_MS } from "./cron-firing.ts";
export type { CronExecute, CronRunResult } from "./cron-runs.ts";

export interface CronServiceDeps {
  store: CronStore;
  alarm: Alarm;
  /** For fireFromAlarm: a firing delivered twice runs once. */
  claims: Pick<Claims, "claimOnce">;
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
   * (the CLI beside a gateway, a Lambda) it is marked due and its alarm fires it. Resolves once it is started or marked.
   */
  runNow(id: string, scope: CronScope): Promise<{ started: boolean }>;
  /** The daemon: catches up, then runs jobs as the local alarm says they fall due, until `signal` aborts. */
  start(execute: CronExecute, signal: AbortSignal): Promise<void>;
  /** Records the end of a run and schedules the next; idempotent by runId. */
  finishRun(run: CronRunRef, result: CronRunResult): Promise<void>;
  /**
   * An alarm fired for this job at this slot (EventBridge: <aws.scheduler.scheduled-time>): runs it if
   * it is due, awaiting the execute (which may only queue the work). A firing delivered twice runs once.
   * `execute` defaults to the one start() was given.
   */
  fireFromAlarm(
    jobId: string,
    scheduledAt: number,
    execute?: CronExecute,
  ): Promise<"fired" | "duplicate" | "not due" | "gone">;
  /** Clears stuck runs, and sets the alarm again for due jobs no firing took (no timer held in memory). */
  sweep(): Promise<void>;
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
  const { store, alarm, clock } = deps;
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
    const job = await store.get(id);
    if (!job || !inScope(job, scope)) {
      throw new CronNotFoundError(
        `There is no cron job "${id}"${scope.kind === "chat" ? " made in this chat" : ""}; list them to see their ids.`,
      );
    }
    return job;
  };

  // The alarm first: a schedule left for a job that was not stored fires "gone" and is removed, while a
  // job stored without its schedule would silently never run.
  const save = async (job: CronJob) => {
    await alarm.set(job);
    await store.save(job);
    changed({ job });
    return job;
  };

  const runs = createCronRuns({ store, clock, stuckMs, save, log });

  /** Begins a run and executes it in the background (the daemon). */
  const launch = async (job: CronJob, dueAt: number, runId: string) => {
    const ref = await runs.begin(job, dueAt, runId);
    void runs
      .execute(job, ref, execute!, stopped)
      .catch((error: unknown) => log("error", `cron job ${job.id}: ${(error as Error).message}`));
  };

  /** The local alarm woke: clear stuck runs and start the due jobs. */
  async function tick(): Promise<void> {
    for (const job of await runs.sweep()) {
      const dueAt = job.state.nextRunAt!;
      await launch(job, dueAt, `cron:${job.id}:${dueAt}`);
    }
  }

  const firing = createCronFiring({ store, alarm, claims: deps.claims, clock, stuckMs, runs });

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
      const removed = await store.remove(id);
      await alarm.clear(id);
      if (removed) changed({ removed: id });
      return removed;
    },

    get: find,

    async list(scope) {
      return (await store.list()).filter((job) => inScope(job, scope));
    },

    async runs(id, scope, limit) {
      await find(id, scope);
      return store.runs(id, limit);
    },

    async runNow(id, scope) {
      const job = await find(id, scope);
      if (job.state.running) throw new CronInputError(`Cron job "${job.name}" is running already.`);
      const now = clock.now();
      if (execute) {
        await launch(job, now, `cron:${job.id}:manual:${now}`);
        return { started: true };
      }
      if (!job.enabled) throw new CronInputError(`Cron job "${job.name}" is paused; resume it first.`);
      await save({ ...job, state: { ...job.state, nextRunAt: now, runRequestedAt: now } });
      return { started: false };
    },

    async start(run, signal) {
      execute = run;
      stopped = signal;
      await runs.catchUp(launch);
      alarm.watch?.(tick, signal);
    },

    finishRun: (run, result) => runs.finish(run, result),

    async fireFromAlarm(jobId, scheduledAt, run = execute) {
      if (!run) throw new Error("fireFromAlarm needs an executor: pass one, or call start() first.");
      return firing.fire(jobId, scheduledAt, run);
    },

    sweep: firing.sweep,
  };
}
