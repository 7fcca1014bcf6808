// What a cron run does: post a system event into the main session and wake the heartbeat, or queue an
// isolated turn whose reply is delivered like any other outcome (to the web chat: relayed through the
// main session). Either way it only starts the work: the run is recorded by the after-turn work of the
// turn that ends it (cronRun, or the heartbeat's), in whichever process that is. Keyed by the run id,
// so a resumed run does nothing twice.
import type { Clock } from "../../ports/clock.ts";
import type { CronStore } from "../../ports/cron-store.ts";
import { readTrust } from "../intake/trust.ts";
import { internalTurnJob, type TurnJob } from "../intake/turn-job.ts";
import type { ChannelContext, DeliveryAddress } from "../messages.ts";
import { DEFAULT_AGENT_ID } from "../session-key.ts";
import type { CronAction, CronJob, CronRunRef } from "./cron-job.ts";
import type { CronExecute } from "./cron-service.ts";

export interface CronExecutorDeps {
  clock: Clock;
  cron: Pick<CronStore, "postEvent">;
  /** The main session, where system events go. */
  mainSessionKey: string;
  /** Queues a turn durably (false: queued before under this id). */
  submit: (job: TurnJob) => Promise<boolean>;
  /** The chat the user last wrote from, for deliver "last". */
  lastRoute: () => Promise<DeliveryAddress | undefined>;
  /** A system event was posted: the heartbeat should run soon (awaited: a Lambda must not leave it behind). */
  wakeHeartbeat: (reason: string) => void | Promise<void>;
}

/** The session of a job's isolated turns: its own, so they do not crowd the main conversation. */
export const cronSessionKey = (jobId: string) => `agent:${DEFAULT_AGENT_ID}:cron:${jobId}`;

/** A reminder someone other than the owner asked for, as an isolated turn delivered to their chat. */
function reminderTurn(job: CronJob, text: string): Extract<CronAction, { kind: "agentTurn" }> {
  return {
    kind: "agentTurn",
    message: `A reminder the person in this chat asked for: ${text}\nWrite the reminder for them.`,
    deliver: job.origin ? { mode: "to", to: job.origin } : { mode: "none" },
  };
}

export function createCronExecutor(deps: CronExecutorDeps): CronExecute {
  return async (job: CronJob, run: CronRunRef) => {
    const madeBy = readTrust(job.madeBy, job.origin !== undefined);
    const fromOwner = madeBy.level === "owner";
    if (job.action.kind === "systemEvent" && fromOwner) {
      // The heartbeat that takes this event records the run (a repeat after a restart posts nothing).
      const posted = await deps.cron.postEvent({
        id: run.runId,
        sessionKey: deps.mainSessionKey,
        text: `Scheduled job "${job.name}": ${job.action.text}`,
        at: deps.clock.now(),
        run,
      });
      if (posted) await deps.wakeHeartbeat(`cron ${job.id}`);
      return "started";
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
    const note = deliverTo ? "" : action.deliver.mode === "last" ? " (no chat to deliver to yet)" : "";
    await deps.submit(
      internalTurnJob({
        id: run.runId,
        sessionKey: cronSessionKey(job.id),
        channel,
        sender: "cron",
        chatId: job.id,
        text: action.message,
        at: deps.clock.now(),
        origin: "cron",
        deliverTo,
        trust: madeBy,
        after: [
          {
            kind: "cronRun",
            run,
            ...(note && { note }),
            ...(toWebChat && fromOwner && { relay: { sessionKey: deps.mainSessionKey, name: job.name } }),
          },
        ],
      }),
    );
    return "started";
  };
}
