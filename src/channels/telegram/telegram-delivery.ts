// Delivers turns to Telegram: "typing…" while a turn runs, the reply streamed into one preview, then the
// final text. deliver() is awaited and throws when Telegram would not take the reply, so that the queue
// retries it (locally or on SQS); the outbox marks each delivered outcome, so it never goes out twice.
import type { AgentEvent } from "../../core/agent/events.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { DeliveryAddress } from "../../core/messages.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { DeliveryTarget } from "../channel.ts";
import type { ChannelDeps } from "../channel-deps.ts";
import { type PreviewStream, startTyping, type TelegramOutbound } from "./outbound.ts";

interface LiveTurn {
  stopTyping: () => void;
  preview?: PreviewStream;
  text: string;
}

export interface TelegramDeliveryDeps {
  deps: ChannelDeps;
  account: string;
  outbound: TelegramOutbound;
}

export const toTarget = ({ chatId, threadId, replyToMessageId }: DeliveryAddress): DeliveryTarget => ({
  chatId,
  ...(threadId && { threadId }),
  ...(replyToMessageId && { replyToMessageId }),
});

export function createTelegramDelivery(options: TelegramDeliveryDeps) {
  const { deps, account, outbound } = options;
  const { outbox, clock } = deps.ports;
  const live = new Map<string, LiveTurn>();
  // One send per record at a time in this process: a recovery at start and the queue's delivery of
  // the same outcome share it instead of sending twice.
  const sending = new Map<string, Promise<void>>();
  const ours = (to: DeliveryAddress | undefined): to is DeliveryAddress =>
    to?.channel === "telegram" && to.account === account;
  // The stored reply is masked; so is its preview, which stops before the word still being typed:
  // half a key matches no secret and no token shape, but is half a key all the same.
  const previewOf = (text: string) => {
    let end = text.length; // a loop, not /\S+$/: that regex is quadratic on a long unbroken run
    while (end > 0 && !/\s/.test(text[end - 1]!)) end--;
    return deps.redact(text.slice(0, end));
  };

  async function send(record: OutboxRecord, to: DeliveryAddress): Promise<void> {
    const turn = live.get(record.key);
    live.delete(record.key);
    turn?.stopTyping();
    try {
      if (turn?.preview) await turn.preview.finish(record.reply);
      else await outbound.send(toTarget(to), record.reply);
    } catch (error) {
      // The retry sends the whole reply afresh: a half-finished preview would only repeat part of it.
      void turn?.preview?.cancel();
      deps.log(
        "warn",
        `telegram: could not deliver the reply to chat ${to.chatId} (${(error as Error).message}); it is tried again`,
      );
      throw error;
    }
    await outbox.markDelivered(record.key, clock.now());
  }

  /** Sends `record` unless it went out before; resolves once it is marked delivered. */
  function deliverOnce(record: OutboxRecord, to: DeliveryAddress): Promise<void> {
    const inFlight = sending.get(record.key);
    if (inFlight) return inFlight;
    const sent = (async () => {
      const fresh = await outbox.get(record.key);
      if (fresh?.deliveredAt !== undefined) return;
      await send(record, to);
    })().finally(() => sending.delete(record.key));
    sending.set(record.key, sent);
    return sent;
  }

  return {
    /** The runner's event stream: typing and the streamed preview for Telegram turns. */
    onEvent(jobs: TurnJob[], event: AgentEvent): void {
      const last = jobs.at(-1);
      if (!last || !ours(last.deliverTo)) return;
      let turn = live.get(last.id);
      if (!turn) {
        turn = { stopTyping: startTyping(outbound, toTarget(last.deliverTo), clock), text: "" };
        live.set(last.id, turn);
      }
      // A later step's text starts a new paragraph, as in the final reply.
      if (event.type === "step_start" && turn.text) turn.text += "\n\n";
      if (event.type === "text_delta" && deps.config().channels.telegram.streaming) {
        turn.text += event.text;
        turn.preview ??= outbound.preview(toTarget(last.deliverTo));
        // Nothing to show yet (a first word still being typed): a notice stays up until there is.
        const shown = previewOf(turn.text);
        if (shown.trim()) turn.preview.update(shown);
      }
      // A notice ("Waking up…") is the preview until the reply streams in, and is replaced by it.
      if (event.type === "notice" && !turn.text.trim()) {
        turn.preview ??= outbound.preview(toTarget(last.deliverTo));
        turn.preview.update(event.text);
      }
    },

    /**
     * Delivers a stored outcome. Messages of one chat collected into one turn get one reply, on the
     * last of them; a turn that collected several chats (a shared session) answers each chat.
     * Contract: resolves once Telegram took it (or it went out before); rejects when it could not.
     */
    async deliver(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): Promise<void> {
      const to = record.deliverTo;
      if (!ours(to) || record.deliveredAt !== undefined) return;
      const sameChat = turnJobs.filter((j) => ours(j.deliverTo) && j.deliverTo.chatId === to.chatId);
      if (sameChat.length > 1 && sameChat.at(-1)!.id !== job.id) {
        await outbox.markDelivered(record.key, clock.now());
        return;
      }
      await deliverOnce(record, to);
    },

    /** Delivers an outcome stored outside a turn (a heartbeat alert); a no-op when it is not ours. */
    async deliverStored(record: OutboxRecord): Promise<void> {
      if (ours(record.deliverTo)) await deliverOnce(record, record.deliverTo);
    },

    /** Sends what an earlier run stored but never delivered (a crash, Telegram down); how many went out. */
    async recover(): Promise<number> {
      const pending = (await outbox.undelivered(500)).filter((r) => ours(r.deliverTo));
      let sent = 0;
      for (const record of pending) {
        const ok = await deliverOnce(record, record.deliverTo!).then(
          () => true,
          () => false,
        );
        if (ok) sent++;
      }
      return sent;
    },

    /** Stops typing indicators and previews of turns still running (the channel stops). */
    stop(): void {
      for (const turn of live.values()) {
        turn.stopTyping();
        void turn.preview?.cancel();
      }
      live.clear();
    },
  };
}

export type TelegramDelivery = ReturnType<typeof createTelegramDelivery>;
