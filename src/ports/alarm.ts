// The wake-up of cron as a port: when a job must next be looked at. Local: one timer at the earliest
// job; AWS: one EventBridge schedule per job, firing the schedule Lambda. Storage is CronStore's job.
import type { CronJob } from "../core/cron/cron-job.ts";

export interface Alarm {
  /**
   * Contract: the job fires at job.state.nextRunAt (or per its schedule on EventBridge), or at its
   * stuck deadline while it runs, until set again or cleared; a paused or finished job is cleared.
   */
  set(job: CronJob): Promise<void>;
  /** Contract: no more firings for this job; clearing an unknown id is not an error. */
  clear(jobId: string): Promise<void>;
  /**
   * Local alarms only (absent on EventBridge, whose firings arrive through CronService.fireFromAlarm):
   * calls `onWake` whenever something may be due, until `signal` aborts; never while an onWake is in
   * progress. Contract: onWake leaves nothing due (it starts the due jobs), or it is woken again at once.
   */
  watch?(onWake: () => Promise<void>, signal: AbortSignal): void;
}

/** The instant an alarm must fire for `job`, or undefined when never: its due time, or its stuck deadline. */
export function wakeAt(job: CronJob, stuckMs: number): number | undefined {
  if (job.state.running) return job.state.running.since + stuckMs;
  return job.enabled ? job.state.nextRunAt : undefined;
}
