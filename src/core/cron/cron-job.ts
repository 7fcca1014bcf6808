// A scheduled job as it is stored: what to do, when, and what happened last time.
import type { TurnTrust } from "../intake/trust.ts";
import type { DeliveryAddress } from "../messages.ts";
import type { Schedule } from "./schedule.ts";

/** Where an isolated turn's reply goes: nowhere (kept in the run history), the last chat the user wrote from, or a chat. */
export type CronDelivery = { mode: "none" } | { mode: "last" } | { mode: "to"; to: DeliveryAddress };

export type CronAction =
  /** Posts `text` into the main session as a system event; the heartbeat picks it up (woken early). */
  | { kind: "systemEvent"; text: string }
  /** Runs `message` as a turn of its own session (cron:<id>) and delivers the reply. */
  | { kind: "agentTurn"; message: string; deliver: CronDelivery };

/**
 * Runs missed while the process was down: `once` runs one of them at start, `skip` runs none,
 * `ifLate` runs one only when it is less than `maxLateMs` late. A skipped run is recorded, never
 * silently dropped.
 */
export type CatchUp = { policy: "once" } | { policy: "skip" } | { policy: "ifLate"; maxLateMs: number };

export type RunStatus = "ok" | "error" | "skipped" | "stuck";

export interface CronJobState {
  /** When it runs next; undefined when it never will (a one-shot that ran, or a paused job). */
  nextRunAt?: number;
  lastRunAt?: number;
  lastStatus?: RunStatus;
  lastError?: string;
  consecutiveErrors: number;
  /** Set by "run now" from a process that does not run jobs: the next start runs it, whatever the catch-up policy. */
  runRequestedAt?: number;
  /** Set while a run is in progress (cleared by its end, or as stuck after the limit). */
  running?: {
    runId: string;
    since: number;
    /** The slot it runs for (absent in runs from before it was kept). */
    dueAt?: number;
  };
}

export interface CronJob {
  id: string;
  name: string;
  enabled: boolean;
  schedule: Schedule;
  action: CronAction;
  catchUp: CatchUp;
  /** Who made it: a chat (by the cron tool) can only deliver to itself unless the owner allows more. */
  origin?: DeliveryAddress;
  /**
   * The trust of the turn that made it (absent: the owner's CLI or web UI, or a job from before trust
   * was recorded). A job someone other than the owner made runs with their trust, never in the main session.
   */
  madeBy?: TurnTrust;
  createdAt: number;
  updatedAt: number;
  state: CronJobState;
}

export interface CronRun {
  runId: string;
  jobId: string;
  /** The time it was due (its slot); equal to startedAt for "run now". */
  dueAt: number;
  startedAt: number;
  finishedAt: number;
  status: RunStatus;
  error?: string;
  /** The start of the reply or what happened, for the run history. */
  summary?: string;
}

/** Runs kept per job in the history. */
export const RUN_HISTORY_LIMIT = 50;

/** One cron run in flight: enough to record its end from any process (see CronService.finishRun). */
export interface CronRunRef {
  jobId: string;
  runId: string;
  /** The slot it runs for (equal to startedAt for "run now"). */
  dueAt: number;
  startedAt: number;
}
