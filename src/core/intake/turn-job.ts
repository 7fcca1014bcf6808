// A turn job: one accepted message waiting in the durable queue for its turn.
import type { ChannelContext, DeliveryAddress, InboundMessage } from "../messages.ts";
import { type AfterTurn, readAfterTurn } from "./after-turn.ts";
import { readTrust, type TurnTrust } from "./trust.ts";
import type { EntryOrigin } from "../transcript.ts";

export interface TurnJob {
  /** The idempotency id: queue dedupeId, outbox key and turn id ("http:<key>", "ws:<id>", ...). */
  id: string;
  sessionKey: string;
  message: InboundMessage;
  channel: ChannelContext;
  /** Where the outcome is delivered (kept with the outcome, so a restart can still deliver it). */
  deliverTo?: DeliveryAddress;
  /** The chat the message came from, when it came from one: the cron tool's scope. */
  origin?: DeliveryAddress;
  /** How the turn runs: a model ref other than the assistant's, a lighter prompt (heartbeats). */
  options?: TurnOptions;
  /** Who wrote the message (absent: the owner; see readTrust for jobs queued before it was kept). */
  trust?: TurnTrust;
  /**
   * A bot command answered without the model ("new", "reset", "status", "help", "start"), run in session
   * order; "compact" runs as a turn with options.compact (it needs the model).
   */
  command?: string;
  /** Work that follows the turn, stored with the job and run by whichever process stores its outcome. */
  after?: AfterTurn[];
}

/** The bot command that compacts the session (runs as a turn: it needs the model). */
export const COMPACT_COMMAND = "compact";

export interface TurnOptions {
  model?: string;
  light?: boolean;
  /** Compact the session now (/compact) instead of answering: the message is not added. */
  compact?: boolean;
}

/**
 * A turn job no person sent (a hook, the heartbeat, a cron run): its message comes from `sender`
 * on the channel `channel` names, in a chat of its own (`chatId`).
 */
export function internalTurnJob(job: {
  id: string;
  sessionKey: string;
  channel: ChannelContext;
  sender: string;
  chatId: string;
  text: string;
  at: number;
  /** What the transcript marks its user entry as. */
  origin: EntryOrigin;
  deliverTo?: DeliveryAddress | undefined;
  options?: TurnOptions;
  /** Whose words `text` carries (a cron job someone other than the owner made); absent: the owner's. */
  trust?: TurnTrust;
  /** What to do once its outcome is stored (record a cron run, relay a heartbeat's alert, ...). */
  after?: AfterTurn[];
}): TurnJob {
  return {
    id: job.id,
    sessionKey: job.sessionKey,
    message: {
      id: job.id,
      channel: job.channel.channel,
      account: "default",
      chat: { id: job.chatId, kind: "dm" },
      sender: { id: job.sender, name: job.sender },
      text: job.text,
      at: job.at,
      internal: job.origin,
    },
    channel: job.channel,
    ...(job.deliverTo && { deliverTo: job.deliverTo }),
    ...(job.options && { options: job.options }),
    ...(job.trust && { trust: job.trust }),
    ...(job.after && { after: job.after }),
  };
}

/** Queue bodies come back as unknown JSON; this is the one place that trusts their shape. */
export function asTurnJob(body: unknown): TurnJob | null {
  const job = body as Partial<TurnJob> | null;
  if (
    !job ||
    typeof job.id !== "string" ||
    typeof job.sessionKey !== "string" ||
    !job.message ||
    !job.channel
  ) {
    return null;
  }
  // Trust is never taken on faith from the queue: what does not validate counts as untrusted.
  const { after, ...rest } = job;
  const work = readAfterTurn(after);
  return {
    ...rest,
    trust: readTrust(job.trust, job.origin !== undefined),
    ...(work.length > 0 && { after: work }),
  } as TurnJob;
}
