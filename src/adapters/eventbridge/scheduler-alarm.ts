// The Alarm on EventBridge Scheduler: one schedule per cron job in the deployment's group, targeting
// the schedule Lambda with the job id and <aws.scheduler.scheduled-time>. A job on its schedule gets
// cron() or rate(); anything else (a backoff retry, a catch-up, a run now, a stuck deadline) a
// one-shot at() that deletes itself. Plus the heartbeat, as a rate() schedule of its own.
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import type { CronJob } from "../../core/cron/cron-job.ts";
import { nextRunAfter } from "../../core/cron/schedule.ts";
import { type Alarm, wakeAt } from "../../ports/alarm.ts";
import type { Clock } from "../../ports/clock.ts";
import { toAwsCron } from "./aws-cron.ts";

/** Where the schedules go and what they invoke (the aws engine's settings). */
export interface ScheduleTarget {
  group: string;
  /** The schedule Lambda. */
  targetArn: string;
  /** The role Scheduler assumes to invoke it. */
  roleArn: string;
  /** An SQS queue for firings still undelivered after the retries. */
  deadLetterArn?: string;
}

export interface SchedulerAlarmOptions {
  client: SchedulerClient;
  target: ScheduleTarget;
  clock: Clock;
  /** The cron service's stuck limit: a running job's schedule fires at its stuck deadline. */
  stuckMs: number;
}

export interface SchedulerAlarm extends Alarm {
  /** The heartbeat's rate() schedule every `everyMs` (whole minutes, at least one), or none when undefined. */
  setHeartbeat(everyMs: number | undefined): Promise<void>;
}

/** The heartbeat's schedule name, and the job id its firings carry (no cron job's schedule is named so). */
export const HEARTBEAT_SCHEDULE = "heartbeat";
/** Retries of a firing the Lambda failed, and how long Scheduler keeps trying (then: the dead-letter queue). */
export const RETRY_POLICY = { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3_600 };

/** A cron job's schedule name: names allow 1-64 of [0-9a-zA-Z-_.]. */
export const scheduleName = (jobId: string) => `cron-${jobId.replace(/[^0-9a-zA-Z_.-]/g, "_")}`.slice(0, 64);

/**
 * The soonest an at() is written for: a time already past when the schedule is made (a run now, an
 * overdue catch-up) is not left to how the service treats the past.
 */
export const AT_LEAD_MS = 10_000;

/** "at(2026-12-01T09:00:05)" in UTC, rounded up to the second, and at least AT_LEAD_MS after `now`. */
export function atExpression(ms: number, now: number): string {
  const second = Math.ceil(Math.max(ms, now + AT_LEAD_MS) / 1000) * 1000;
  return `at(${new Date(second).toISOString().slice(0, 19)})`;
}

/** "rate(5 minutes)", "rate(2 hours)", "rate(1 day)": the largest whole unit; undefined under a minute or off whole minutes. */
export function rateExpression(everyMs: number): string | undefined {
  if (everyMs < 60_000 || everyMs % 60_000 !== 0) return undefined;
  const minutes = everyMs / 60_000;
  const [value, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, "day"]
      : minutes % 60 === 0
        ? [minutes / 60, "hour"]
        : [minutes, "minute"];
  return `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
}

type Timing = Pick<
  CreateScheduleCommandInput,
  "ScheduleExpression" | "ScheduleExpressionTimezone" | "StartDate" | "ActionAfterCompletion"
>;

/** When the job's schedule must fire, in Scheduler's terms; undefined when never. */
export function timingOf(job: CronJob, now: number, stuckMs: number): Timing | undefined {
  const wake = wakeAt(job, stuckMs);
  if (wake === undefined) return undefined;
  const oneShot: Timing = {
    ScheduleExpression: atExpression(wake, now),
    ScheduleExpressionTimezone: "UTC",
    ActionAfterCompletion: "DELETE",
  };
  // Only a job waiting for its very next slot follows its schedule; a retry or a catch-up is one-shot.
  if (job.state.running || job.state.nextRunAt !== nextRunAfter(job.schedule, now)) return oneShot;
  const { schedule } = job;
  if (schedule.kind === "cron") {
    const cron = toAwsCron(schedule.expr);
    if (!cron) return oneShot;
    return {
      ScheduleExpression: cron,
      ScheduleExpressionTimezone: schedule.tz,
      ActionAfterCompletion: "NONE",
    };
  }
  if (schedule.kind === "every") {
    const rate = rateExpression(schedule.everyMs);
    // The first firing at the next slot keeps the job's phase (its anchor).
    if (rate) return { ScheduleExpression: rate, StartDate: new Date(wake), ActionAfterCompletion: "NONE" };
  }
  return oneShot;
}

export function createSchedulerAlarm(options: SchedulerAlarmOptions): SchedulerAlarm {
  const { client, target, clock, stuckMs } = options;

  const input = (name: string, jobId: string, timing: Timing): CreateScheduleCommandInput => ({
    Name: name,
    GroupName: target.group,
    ...timing,
    State: "ENABLED",
    FlexibleTimeWindow: { Mode: "OFF" },
    Target: {
      Arn: target.targetArn,
      RoleArn: target.roleArn,
      Input: JSON.stringify({ jobId, scheduledTime: "<aws.scheduler.scheduled-time>" }),
      RetryPolicy: RETRY_POLICY,
      ...(target.deadLetterArn && { DeadLetterConfig: { Arn: target.deadLetterArn } }),
    },
  });

  /** Update, or create when it is not there (a one-shot deletes itself after firing). */
  async function upsert(schedule: CreateScheduleCommandInput): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new UpdateScheduleCommand(schedule));
        return;
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      try {
        await client.send(new CreateScheduleCommand(schedule));
        return;
      } catch (err) {
        // Created meanwhile by another process: update it after all (once).
        if (!(err instanceof ConflictException) || attempt > 0) throw err;
      }
    }
  }

  async function remove(name: string): Promise<void> {
    try {
      await client.send(new DeleteScheduleCommand({ Name: name, GroupName: target.group }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
  }

  return {
    async set(job) {
      const timing = timingOf(job, clock.now(), stuckMs);
      if (!timing) return remove(scheduleName(job.id));
      await upsert(input(scheduleName(job.id), job.id, timing));
    },

    clear: (jobId) => remove(scheduleName(jobId)),

    async setHeartbeat(everyMs) {
      if (everyMs === undefined) return remove(HEARTBEAT_SCHEDULE);
      const rate = rateExpression(Math.max(1, Math.round(everyMs / 60_000)) * 60_000)!;
      await upsert(
        input(HEARTBEAT_SCHEDULE, HEARTBEAT_SCHEDULE, {
          ScheduleExpression: rate,
          ActionAfterCompletion: "NONE",
        }),
      );
    },
  };
}
