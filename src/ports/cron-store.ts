// Cron storage as a port: stored jobs with their run history, and system events waiting for the
// heartbeat. Local: SQLite; AWS: the DynamoDB state table. The wake-up is the Alarm port's job.
import type { CronJob, CronRun, CronRunRef } from "../core/cron/cron-job.ts";

/** A note for the main session that is not the person speaking (a cron reminder, a webhook). */
export interface SystemEvent {
  /** Idempotency id: posting the same id twice keeps one event. */
  id: string;
  sessionKey: string;
  text: string;
  at: number;
  /** The cron run that posted it: its end is recorded when the heartbeat relays the event. */
  run?: CronRunRef;
}

export interface CronStore {
  /** Contract: stores the job (insert or replace by id). */
  save(job: CronJob): Promise<void>;
  get(id: string): Promise<CronJob | null>;
  /** Every job, in creation order. */
  list(): Promise<CronJob[]>;
  /**
   * The jobs a sweep must look at, in creation order: enabled ones due by `now`, and running ones
   * (a stuck or interrupted run is found among these; a sweep reads these, not all jobs).
   */
  dueOrRunning(now: number): Promise<CronJob[]>;
  /** Contract: false when there was no such job; its run history goes with it. */
  remove(id: string): Promise<boolean>;
  /**
   * Contract: appends to the job's history, keeping the newest RUN_HISTORY_LIMIT runs; a run whose
   * runId is already in the history is not added again (false), so a run recorded twice shows once.
   */
  addRun(run: CronRun): Promise<boolean>;
  /** The job's runs, newest first. */
  runs(jobId: string, limit?: number): Promise<CronRun[]>;
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

/** How long a consumed system event's id still makes a new post with that id a duplicate. */
export const EVENT_ID_KEPT_MS = 24 * 60 * 60_000;
