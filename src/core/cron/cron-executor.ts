// What a cron run does: post a system event into the main session (and wake the heartbeat), or
// queue an isolated turn whose reply is delivered like any other outcome. Both are keyed by the run
// id, so a run resumed after a crash neither posts nor answers twice.
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { Scheduler } from "../../ports/scheduler.ts";
import type { Clock } from "../../ports/clock.ts";
import { internalTurnJob, type TurnJob } from "../intake/turn-job.ts";
import type { ChannelContext, DeliveryAddress } from "../messages.ts";
import { DEFAULT_AGENT_ID } from "../session-key.ts";
import type { CronJob } from "./cron-job.ts";
import type { CronExecute } from "./cron-service.ts";

export interface CronExecutorDeps {
  clock: Clock;
  scheduler: Pick<Scheduler, "postEvent">;
  /** The main session, where system events go. */
  mainSessionKey: string;
  /** Queues a turn durably (false: queued before under this id) … */
  submit: (job: TurnJob) => Promise<boolean>;
  /** … and resolves with its stored outcome. */
  outcome: (id: string) => Promise<OutboxRecord>;
  /** The chat the user last wrote from, for deliver "last". */
  lastRoute: () => Promise<DeliveryAddress | undefined>;
  /** A system event was posted: the heartbeat should run soon. */
  wakeHeartbeat: (reason: string) => void;
}

/** The session of a job's isolated turns: its own, so they do not crowd the main conversation. */
export const cronSessionKey = (jobId: string) => `agent:${DEFAULT_AGENT_ID}:cron:${jobId}`;

const summary = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

export function createCronExecutor(deps: CronExecutorDeps): CronExecute {
  return async (job: CronJob, runId: string) => {
    const action = job.action;
    if (action.kind === "systemEvent") {
      await deps.scheduler.postEvent({
        id: runId,
        sessionKey: deps.mainSessionKey,
        text: `Scheduled job "${job.name}": ${action.text}`,
        at: deps.clock.now(),
      });
      deps.wakeHeartbeat(`cron ${job.id}`);
      return { ok: true, summary: "posted to the main session" };
    }
    const deliverTo =
      action.deliver.mode === "to"
        ? action.deliver.to
        : action.deliver.mode === "last"
          ? await deps.lastRoute()
          : undefined;
    const channel: ChannelContext = {
      channel: "cron",
      chatKind: "dm",
      description: `the scheduled job "${job.name}" (no one is waiting on this turn; ${deliverTo ? `the reply is sent to the user on ${deliverTo.channel}` : "the reply is kept in the job's history"})`,
      interactive: false,
    };
    await deps.submit(
      internalTurnJob({
        id: runId,
        sessionKey: cronSessionKey(job.id),
        channel,
        sender: "cron",
        chatId: job.id,
        text: action.message,
        at: deps.clock.now(),
        deliverTo,
      }),
    );
    const record = await deps.outcome(runId);
    if (record.status !== "done") return { ok: false, error: summary(record.reply) };
    const where = deliverTo ? "" : action.deliver.mode === "last" ? " (no chat to deliver to yet)" : "";
    return { ok: true, summary: summary(record.reply) + where };
  };
}
