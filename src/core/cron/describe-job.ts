// A job and a run as one line of text, for the cron tool, the CLI and logs.
import type { CronJob, CronRun } from "./cron-job.ts";
import { describeSchedule, formatInZone } from "./schedule.ts";

export function jobStatus(job: CronJob): string {
  if (job.state.running) return "running";
  if (!job.enabled) return "paused";
  if (job.state.nextRunAt === undefined) return job.state.lastStatus === "ok" ? "done" : "stopped";
  return job.state.consecutiveErrors > 0
    ? `retrying after ${job.state.consecutiveErrors} error(s)`
    : "scheduled";
}

export function describeAction(job: CronJob): string {
  const action = job.action;
  if (action.kind === "systemEvent") return `system event "${action.text}"`;
  const to =
    action.deliver.mode === "none"
      ? "kept in its session"
      : action.deliver.mode === "last"
        ? "to the last chat"
        : `to ${action.deliver.to.channel} ${action.deliver.to.chatId}`;
  return `turn "${action.message}" (${to})`;
}

export function describeJob(job: CronJob, tz: string): string {
  const parts = [
    `${job.id}: ${job.name}`,
    describeSchedule(job.schedule, tz),
    describeAction(job),
    jobStatus(job),
  ];
  if (job.state.nextRunAt !== undefined && job.enabled)
    parts.push(`next ${formatInZone(job.state.nextRunAt, tz)}`);
  if (job.state.lastRunAt !== undefined) {
    parts.push(
      `last ${formatInZone(job.state.lastRunAt, tz)} ${job.state.lastStatus}${job.state.lastError ? ` (${job.state.lastError})` : ""}`,
    );
  }
  return parts.join(" · ");
}

export function describeRun(run: CronRun, tz: string): string {
  const detail = run.error ?? run.summary;
  return `${formatInZone(run.startedAt, tz)} ${run.status}${detail ? `: ${detail}` : ""}`;
}
