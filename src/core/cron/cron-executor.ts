// What a cron run does: post a system event into the main session, wake the heartbeat and wait for
// what became of it, or queue an isolated turn whose reply is delivered like any other outcome (to the
// web chat: relayed through the main session). Keyed by the run id, so a resumed run does nothing twice.
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { Scheduler } from "../../ports/scheduler.ts";
import type { Clock } from "../../ports/clock.ts";
import { readTrust } from "../intake/trust.ts";
import { internalTurnJob, type TurnJob } from "../intake/turn-job.ts";
import type { ChannelContext, DeliveryAddress } from "../messages.ts";
import { DEFAULT_AGENT_ID } from "../session-key.ts";
import type { EventFollow } from "../heartbeat/event-followers.ts";
import type { HeartbeatOutcome } from "../heartbeat/heartbeat.ts";
import type { CronAction, CronJob } from "./cron-job.ts";
import type { CronExecute, CronRunResult } from "./cron-service.ts";

export interface CronExecutorDeps {
  clock: Clock;
  scheduler: Pick<Scheduler, "postEvent" | "events">;
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
  /** The heartbeat's follow: what became of a system event (see Heartbeat.follow). */
  followEvent: (eventId: string) => EventFollow;
}

/** The session of a job's isolated turns: its own, so they do not crowd the main conversation. */
export const cronSessionKey = (jobId: string) => `agent:${DEFAULT_AGENT_ID}:cron:${jobId}`;

const summary = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

/** A relayed event's run: ok once the user was told (or the heartbeat chose silence), else not delivered. */
function relayResult(outcome: HeartbeatOutcome | Error): CronRunResult {
  if (outcome instanceof Error) return { ok: false, error: `not delivered: ${outcome.message}` };
  if (!outcome.ran)
    return { ok: false, error: `not delivered: the heartbeat did not run (${outcome.reason})` };
  if (outcome.delivered) return { ok: true, summary: summary(`relayed: ${outcome.reply}`) };
  switch (outcome.suppressed) {
    case "ok":
      return { ok: true, summary: "the heartbeat looked at it and had nothing to tell the user" };
    case "no target":
      // The owner chose no target: another try would only repeat the reminder in the main session.
      return {
        ok: false,
        error: 'not delivered: heartbeat.target is "none" (the reply is in the main session\'s history)',
        retry: false,
      };
    default:
      return { ok: false, error: summary(`not delivered: the heartbeat turn failed: ${outcome.reply}`) };
  }
}

/** A reminder someone other than the owner asked for, as an isolated turn delivered to their chat. */
function reminderTurn(job: CronJob, text: string): Extract<CronAction, { kind: "agentTurn" }> {
  return {
    kind: "agentTurn",
    message: `A reminder the person in this chat asked for: ${text}\nWrite the reminder for them.`,
    deliver: job.origin ? { mode: "to", to: job.origin } : { mode: "none" },
  };
}

export function createCronExecutor(deps: CronExecutorDeps): CronExecute {
  /** Posts an event for the heartbeat to relay and waits for the beat that takes it. */
  const relay = async (job: CronJob, eventId: string, text: string): Promise<CronRunResult> => {
    const followed = deps.followEvent(eventId);
    try {
      const event = { id: eventId, sessionKey: deps.mainSessionKey, text, at: deps.clock.now() };
      const posted = await deps.scheduler.postEvent(event);
      const waiting = async () =>
        (await deps.scheduler.events(deps.mainSessionKey)).some((e) => e.id === eventId);
      // Resumed after a restart, and a beat of the earlier process took it already.
      if (!posted && !(await waiting())) {
        followed.cancel();
        return { ok: true, summary: "posted to the main session before a restart" };
      }
      deps.wakeHeartbeat(`cron ${job.id}`);
      return relayResult(await followed.outcome.catch((error: Error) => error));
    } catch (error) {
      followed.cancel();
      throw error;
    }
  };

  return async (job: CronJob, runId: string) => {
    const madeBy = readTrust(job.madeBy, job.origin !== undefined);
    const fromOwner = madeBy.level === "owner";
    if (job.action.kind === "systemEvent" && fromOwner) {
      return relay(job, runId, `Scheduled job "${job.name}": ${job.action.text}`);
    }
    // Words from anyone but the owner never enter the main session as a system event: their reminder
    // is a turn of its own, with their trust, answered in the chat they made it in.
    const action = job.action.kind === "agentTurn" ? job.action : reminderTurn(job, job.action.text);
    const target =
      action.deliver.mode === "to"
        ? action.deliver.to
        : action.deliver.mode === "last"
          ? await deps.lastRoute()
          : undefined;
    // The web chat shows the main session: the reply reaches it relayed by the heartbeat there.
    const toWebChat = target?.channel === "web";
    const deliverTo = toWebChat ? undefined : target;
    const channel: ChannelContext = {
      channel: "cron",
      chatKind: "dm",
      description: `the scheduled job "${job.name}" (no one is waiting on this turn; ${target ? `the reply is sent to the user on ${target.channel}` : "the reply is kept in the job's history"})`,
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
        origin: "cron",
        deliverTo,
        trust: madeBy,
      }),
    );
    const record = await deps.outcome(runId);
    if (record.status !== "done") return { ok: false, error: summary(record.reply) };
    if (toWebChat && fromOwner) {
      return relay(job, `${runId}:reply`, `Scheduled job "${job.name}" finished; its reply: ${record.reply}`);
    }
    const where = deliverTo ? "" : action.deliver.mode === "last" ? " (no chat to deliver to yet)" : "";
    return { ok: true, summary: summary(record.reply) + where };
  };
}
