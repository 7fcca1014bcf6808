// Scheduled work as a port: stored cron jobs with their run history, system events waiting for the
// heartbeat, and one wake-up at the earliest due job. Local: SQLite and one timer; a serverless
// engine would arm one EventBridge schedule per job instead.
import type { CronJob, CronRun } from "../core/cron/cron-job.ts";

/** A note for the main session that is not the person speaking (a cron reminder, a webhook). */
export interface SystemEvent {
  /** Idempotency id: posting the same id twice keeps one event. */
  id: string;
  sessionKey: string;
  text: string;
  at: number;
}

export interface Scheduler {
  /** Contract: stores the job (insert or replace by id); a running watch re-arms for it at once. */
  save(job: CronJob): Promise<void>;
  get(id: string): Promise<CronJob | null>;
  /** Every job, in creation order. */
  list(): Promise<CronJob[]>;
  /**
   * The jobs a start must look at, in creation order: enabled ones due by `now`, and ones a stopped
   * process left running (catch-up reads these, not all jobs).
   */
  dueOrRunning(now: number): Promise<CronJob[]>;
  /** Contract: false when there was no such job; its run history goes with it. */
  remove(id: string): Promise<boolean>;
  /** Contract: appends to the job's history, keeping the newest RUN_HISTORY_LIMIT runs. */
  addRun(run: CronRun): Promise<void>;
  /** The job's runs, newest first. */
  runs(jobId: string, limit?: number): Promise<CronRun[]>;
  /**
   * Calls `onDue` for each enabled job whose nextRunAt has come (once per job at a time: not again
   * until its onDue settles), until `signal` aborts. One timer at the earliest nextRunAt; no polling.
   * Contract: onDue must save the job with a new state (a later nextRunAt, or `running`), or it is due again.
   */
  watch(onDue: (job: CronJob) => Promise<void>, signal: AbortSignal): void;
  /**
   * Contract: false when an event with this id is waiting, or was taken by dropEvents within the
   * last 24 hours (a sender's retry after the heartbeat handled it is still a duplicate).
   */
  postEvent(event: SystemEvent): Promise<boolean>;
  /** The session's waiting events, oldest first. */
  events(sessionKey: string): Promise<SystemEvent[]>;
  /** Takes events out of the waiting list. Contract: ids that are gone are not an error. */
  dropEvents(ids: string[]): Promise<void>;
}
