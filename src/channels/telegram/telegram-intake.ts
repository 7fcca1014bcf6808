// From Telegram updates to durable work: parse, decide who may talk (pairing, allowlists, group
// mentions), and queue a job per message (bot commands too, so that they apply in session order).
// Resolves only once each update is durable (queued, or its pairing reply claimed): then 200.
import { decideAccess, PAIRING_LIMIT_REPLY, pairingReply } from "../../core/intake/access.ts";
import { describeTrust, type TurnTrust } from "../../core/intake/trust.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { ChannelContext, InboundMessage } from "../../core/messages.ts";
import { mainSessionKey, sessionKeyFor } from "../../core/session-key.ts";
import type { DeliveryTarget } from "../channel.ts";
import type { ChannelDeps } from "../channel-deps.ts";
import { parseTelegramCallback, type TelegramCallback } from "./callback.ts";
import { parseTelegramUpdate, telegramCommand } from "./parse.ts";
import { allowGroupCommand, type IgnoredGroups } from "./ignored-groups.ts";
import { isTelegramCommand } from "./telegram-commands.ts";
import { once, telegramOwners, telegramTrust } from "./telegram-trust.ts";

/** How long an update's direct reply (a command, a pairing code) is remembered as sent. */
const REPLY_CLAIM_MS = 48 * 60 * 60_000;

export interface TelegramIntakeDeps {
  deps: ChannelDeps;
  account: string;
  bot: { id: number; username: string };
  /** Sends a direct reply (not a turn): pairing codes. Contract: never rejects. */
  reply: (target: DeliveryTarget, text: string) => Promise<void>;
  /** Where messages from groups that are not allowed are noted, for the log and the Channels page. */
  ignoredGroups?: IgnoredGroups;
  /** A press of an inline button (exec's approvals). Contract: never rejects. */
  onCallback?: (callback: TelegramCallback) => Promise<void>;
}

/** The target a reply to `message` goes to: its chat, its forum topic, and in groups the message itself. */
export function replyTarget(message: InboundMessage): DeliveryTarget {
  return {
    chatId: message.chat.id,
    ...(message.chat.threadId && { threadId: message.chat.threadId }),
    ...(message.chat.kind === "group" && message.messageId && { replyToMessageId: message.messageId }),
  };
}

function channelContext(message: InboundMessage, trust: TurnTrust): ChannelContext {
  // The model is told who writes: someone other than the owner is not to be taken for them.
  const who = `${message.sender.name ?? `user ${message.sender.id}`} (${describeTrust(trust)})`;
  return {
    channel: "telegram",
    chatKind: message.chat.kind,
    description:
      message.chat.kind === "dm"
        ? `Telegram, a direct chat with ${who}`
        : `Telegram group "${message.chat.title ?? message.chat.id}", message from ${who}`,
    // exec asks the sender with inline buttons (telegram-approvals.ts); nobody asks for someone not allowed.
    interactive: trust.level !== "untrusted",
  };
}

export function createTelegramIntake(intake: TelegramIntakeDeps) {
  const { deps, account, bot } = intake;
  const { claims, outbox, pairings, clock } = deps.ports;

  /** True the first time for this update's direct reply: a retried update is not answered twice. */
  const firstReply = (message: InboundMessage) =>
    claims.claimOnce(`telegram:${account}:reply:${message.id}`, REPLY_CLAIM_MS);

  /** A group that is not allowed: logged with its id and the command that allows it (not every time). */
  function noteGroup(message: InboundMessage): void {
    if (!intake.ignoredGroups?.note(message, clock.now())) return;
    const { id, title } = message.chat;
    const allowed = deps.config().channels.telegram.groups;
    deps.log(
      "info",
      `telegram: ignored a message in group ${title ? `${JSON.stringify(title)} ` : ""}(id ${id}), which is not in channels.telegram.groups. ` +
        `To allow it: ${allowGroupCommand(allowed, id)} (or Allow on the web UI's Channels page).`,
    );
  }

  async function acceptOne(raw: unknown): Promise<void> {
    const callback = parseTelegramCallback(raw);
    if (callback) return intake.onCallback?.(callback);
    const [message] = parseTelegramUpdate(raw, bot, account);
    if (!message) return;
    const telegram = deps.config().channels.telegram;
    const isPaired = once(() => pairings.isAllowed("telegram", message.sender.id));
    const access = await decideAccess(message, telegram, isPaired);
    if (access.kind === "ignore") {
      if (message.chat.kind === "group" && !telegram.groups.includes(message.chat.id)) noteGroup(message);
      return;
    }
    const target = replyTarget(message);
    if (access.kind === "pair") {
      // Not a turn: answered at once, claimed so that a retried update gets one reply. The request is
      // stored first (asking again gives the same code): a failure there leaves the reply unclaimed for
      // Telegram's retry.
      const request = await pairings.request("telegram", message.sender.id, message.sender.name);
      if (!(await firstReply(message))) return;
      deps.log(
        "info",
        request?.created
          ? `telegram: pairing requested by ${message.sender.name ?? message.sender.id} (code ${request.code})`
          : `telegram: unknown sender ${message.sender.id} wrote again`,
      );
      await intake.reply(target, request ? pairingReply(request.code, "telegram") : PAIRING_LIMIT_REPLY);
      return;
    }
    const trust = await telegramTrust(message, await telegramOwners(deps), deps, isPaired);
    const sessionKey = sessionKeyFor(message, deps.config().session.dmScope, {
      owner: trust.level === "owner",
    });
    const command = telegramCommand(message, bot.username);
    const job: TurnJob = {
      id: `telegram:${account}:${message.id}`,
      sessionKey,
      // Its files are downloaded when the turn runs (prepareTurn), not here: the update is acked fast.
      message,
      channel: channelContext(message, trust),
      trust,
      deliverTo: { channel: "telegram", account, ...target },
      origin: { channel: "telegram", account, ...target },
      // A command waits behind the messages queued before it: /new after two messages applies after them.
      ...(command && isTelegramCommand(command.name) && { command: command.name }),
    };
    // Answered before (a retry after the queue forgot the id): the outbox has it, nothing to queue.
    if (await outbox.get(job.id)) return;
    await deps.submit(job);
    // Where "last" (heartbeat alerts, cron jobs) reaches the owner: their chat in the main session.
    if (sessionKey === mainSessionKey()) await deps.noteLastRoute(job.deliverTo!);
  }

  return {
    /** Contract: resolves once every update is durable; rejects when one could not be queued (retry them all). */
    async accept(updates: unknown[]): Promise<void> {
      for (const update of updates) await acceptOne(update);
    },
  };
}

export type TelegramIntake = ReturnType<typeof createTelegramIntake>;
