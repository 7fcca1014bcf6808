// The schedule Lambda (EventBridge Scheduler target): a firing carries the job id and
// <aws.scheduler.scheduled-time>. "heartbeat" beats (an idle one makes no model call); any other id
// fires that cron job, once per slot however often Scheduler delivers the firing.
import { z } from "zod";
import { coldStart, openAwsEngine } from "../engines/aws/aws-engine.ts";
import { awsCronService, awsScheduling } from "../engines/aws/aws-scheduling.ts";
import { HEARTBEAT_SCHEDULE } from "../adapters/eventbridge/scheduler-alarm.ts";
import { createAwsPorts } from "../engines/aws/wire.ts";

const firingSchema = z.object({
  jobId: z.string().min(1),
  scheduledTime: z.iso.datetime({ offset: true }),
});

const schedule = coldStart(async () => {
  const engine = await openAwsEngine(process.env, { ports: createAwsPorts });
  return { engine, cron: awsCronService(engine), ...awsScheduling(engine) };
});

export type ScheduleResult = { jobId: string; scheduledTime: string; result: string } | { error: string };

export async function handler(event: unknown): Promise<ScheduleResult> {
  const firing = firingSchema.safeParse(event);
  if (!firing.success) {
    // Not retried: the same payload would fail the same way. Scheduler's input is set wrongly.
    const error = `not a schedule firing: expected {"jobId": "...", "scheduledTime": "<aws.scheduler.scheduled-time>"} (${z.prettifyError(firing.error).replaceAll("\n", " ")})`;
    console.error(JSON.stringify({ level: "error", message: error }));
    return { error };
  }
  const { jobId, scheduledTime } = firing.data;
  const at = Date.parse(scheduledTime);
  const { engine, cron, heartbeat, execute } = await schedule();
  let result: string;
  if (jobId === HEARTBEAT_SCHEDULE) {
    // Stuck runs are found here too: no process holds a timer for them.
    await cron.sweep();
    const beat = await heartbeat.beat("interval", { at });
    result = beat.ran ? `queued ${beat.turnId}` : beat.reason;
  } else {
    result = await cron.fireFromAlarm(jobId, at, execute);
  }
  engine.log("info", `schedule ${jobId} at ${scheduledTime}: ${result}`);
  return { jobId, scheduledTime, result };
}
