// Delivers turns to Telegram: "typing…" while a turn runs, the reply streamed into one preview
// message, then the final text; outcomes left undelivered by a crash or an outage are sent later.
// The outbox marks each delivered outcome, so a restart or a retried update never sends it twice.
import type { AgentEvent } from "../../core/agent/events.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { DeliveryAddress } from "../../core/messages.ts";
import type { DeliveryTarget } from "../../channels/channel.ts";
import { type PreviewStream, startTyping, type TelegramOutbound } from "../../channels/telegram/outbound.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { GatewayContext } from "../gateway-context.ts";

/** Waits before the next try of a delivery that failed (then it waits for the next start). */
const RETRY_DELAYS_MS = [5_000, 30_000, 120_000];

interface LiveTurn {
  stopTyping: () => void;
  preview?: PreviewStream;
  text: string;
}

export interface TelegramDeliveryDeps {
  ctx: GatewayContext;
  account: string;
  outbound: TelegramOutbound;
  /** Stops retries when the channel stops. */
  signal: AbortSignal;
}

const toTarget = ({ chatId, threadId, replyToMessageId }: DeliveryAddress): DeliveryTarget => ({
  chatId,
  ...(threadId && { threadId }),
  ...(replyToMessageId && { replyToMessageId }),
});

export function createTelegramDelivery(deps: TelegramDeliveryDeps) {
  const { ctx, account, outbound, signal } = deps;
  const { outbox, clock } = ctx.assistant.ports;
  const live = new Map<string, LiveTurn>();
  const sending = new Set<string>();
  const ours = (to: DeliveryAddress | undefined): to is DeliveryAddress =>
    to?.channel === "telegram" && to.account === account;
  // The stored reply is masked; so is its preview, which stops before the word still being typed:
  // half a key matches no secret and no token shape, but is half a key all the same.
  const previewOf = (text: string) => {
    let end = text.length; // a loop, not /\S+$/: that regex is quadratic on a long unbroken run
    while (end > 0 && !/\s/.test(text[end - 1]!)) end--;
    return ctx.logs.redact(text.slice(0, end));
  };

  async function deliver(record: OutboxRecord, attempt = 0): Promise<void> {
    const to = record.deliverTo;
    if (!ours(to) || record.deliveredAt !== undefined || sending.has(record.key)) return;
    sending.add(record.key);
    const turn = live.get(record.key);
    live.delete(record.key);
    turn?.stopTyping();
    try {
      if (turn?.preview) await turn.preview.finish(record.reply);
      else await outbound.send(toTarget(to), record.reply);
      await outbox.markDelivered(record.key, clock.now());
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      ctx.logs.log(
        "warn",
        `telegram: could not deliver the reply to chat ${to.chatId} (${(error as Error).message})${delay === undefined ? "; it is sent after the next start" : `; trying again in ${delay / 1000} s`}`,
      );
      if (delay !== undefined) {
        void clock
          .sleep(delay, signal)
          .then(() => outbox.get(record.key))
          .then((fresh) => fresh && deliver(fresh, attempt + 1))
          .catch(() => {});
      }
    } finally {
      sending.delete(record.key);
    }
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
      if (event.type === "text_delta" && ctx.config().channels.telegram.streaming) {
        turn.text += event.text;
        turn.preview ??= outbound.preview(toTarget(last.deliverTo));
        turn.preview.update(previewOf(turn.text));
      }
    },

    /**
     * The runner's outcome callback. Messages of one chat collected into one turn get one reply, on
     * the last of them; a turn that collected several chats (a shared session) answers each chat.
     */
    onOutcome(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): void {
      if (!ours(record.deliverTo)) return;
      const chat = record.deliverTo.chatId;
      const sameChat = turnJobs.filter((j) => ours(j.deliverTo) && j.deliverTo.chatId === chat);
      if (sameChat.length > 1 && sameChat.at(-1)!.id !== job.id) {
        void outbox.markDelivered(record.key, clock.now()).catch(() => {});
        return;
      }
      void deliver(record);
    },

    /** Delivers an outcome stored outside a turn (a heartbeat alert); a no-op when it is not ours. */
    deliverStored(record: OutboxRecord): void {
      if (ours(record.deliverTo)) void deliver(record);
    },

    /** Sends what an earlier run stored but never delivered (a crash, Telegram down). */
    async recover(): Promise<number> {
      const pending = (await outbox.undelivered(500)).filter((r) => ours(r.deliverTo));
      for (const record of pending) await deliver(record);
      return pending.length;
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
