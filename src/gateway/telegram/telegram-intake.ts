// From Telegram updates to durable work: parse, decide who may talk (pairing, allowlists, group
// mentions), answer bot commands, and queue everything else as a turn job. Resolves only once each
// update is durable (queued, or its direct reply claimed), so the webhook may then answer 200.
import { decideAccess, PAIRING_LIMIT_REPLY, pairingReply } from "../../core/intake/access.ts";
import { describeTrust, type TurnTrust } from "../../core/intake/trust.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { ChannelContext, InboundMessage } from "../../core/messages.ts";
import { mainSessionKey, sessionKeyFor } from "../../core/session-key.ts";
import type { DeliveryTarget } from "../../channels/channel.ts";
import { parseTelegramCallback, type TelegramCallback } from "../../channels/telegram/callback.ts";
import { parseTelegramUpdate, telegramCommand } from "../../channels/telegram/parse.ts";
import type { GatewayContext } from "../gateway-context.ts";
import { allowGroupCommand, type IgnoredGroups } from "./ignored-groups.ts";
import { isTelegramCommand, runTelegramCommand } from "./telegram-commands.ts";
import { once, telegramOwners, telegramTrust } from "./telegram-trust.ts";

/** How long an update's direct reply (a command, a pairing code) is remembered as sent. */
const REPLY_CLAIM_MS = 48 * 60 * 60_000;

export interface TelegramIntakeDeps {
  ctx: GatewayContext;
  account: string;
  bot: { id: number; username: string };
  /** Sends a direct reply (not a turn): commands, pairing codes. Contract: must not throw. */
  reply: (target: DeliveryTarget, text: string) => void;
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

export function createTelegramIntake(deps: TelegramIntakeDeps) {
  const { ctx, account, bot } = deps;
  const { claims, outbox, pairings } = ctx.assistant.ports;

  /** True the first time for this update's direct reply: a retried update is not answered twice. */
  const firstReply = (message: InboundMessage) =>
    claims.claimOnce(`telegram:${account}:reply:${message.id}`, REPLY_CLAIM_MS);

  /** A group that is not allowed: logged with its id and the command that allows it (not every time). */
  function noteGroup(message: InboundMessage): void {
    if (!deps.ignoredGroups?.note(message, ctx.assistant.ports.clock.now())) return;
    const { id, title } = message.chat;
    const allowed = ctx.config().channels.telegram.groups;
    ctx.logs.log(
      "info",
      `telegram: ignored a message in group ${title ? `${JSON.stringify(title)} ` : ""}(id ${id}), which is not in channels.telegram.groups. ` +
        `To allow it: ${allowGroupCommand(allowed, id)} (or Allow on the web UI's Channels page).`,
    );
  }

  async function acceptOne(raw: unknown): Promise<void> {
    const callback = parseTelegramCallback(raw);
    if (callback) return deps.onCallback?.(callback);
    const [message] = parseTelegramUpdate(raw, bot, account);
    if (!message) return;
    const telegram = ctx.config().channels.telegram;
    const isPaired = once(() => pairings.isAllowed("telegram", message.sender.id));
    const access = await decideAccess(message, telegram, isPaired);
    if (access.kind === "ignore") {
      if (message.chat.kind === "group" && !telegram.groups.includes(message.chat.id)) noteGroup(message);
      return;
    }
    const target = replyTarget(message);
    if (access.kind === "pair") {
      if (!(await firstReply(message))) return;
      const request = await pairings.request("telegram", message.sender.id, message.sender.name);
      deps.reply(target, request ? pairingReply(request.code, "telegram") : PAIRING_LIMIT_REPLY);
      ctx.logs.log(
        "info",
        request?.created
          ? `telegram: pairing requested by ${message.sender.name ?? message.sender.id} (code ${request.code})`
          : `telegram: unknown sender ${message.sender.id} wrote again`,
      );
      return;
    }
    const trust = await telegramTrust(message, await telegramOwners(ctx), ctx, isPaired);
    const sessionKey = sessionKeyFor(message, ctx.config().session.dmScope, {
      owner: trust.level === "owner",
    });
    const command = telegramCommand(message, bot.username);
    if (command && isTelegramCommand(command.name)) {
      if (!(await firstReply(message))) return;
      const here = { sessionKey, trust, chatKind: message.chat.kind };
      deps.reply(target, await runTelegramCommand(ctx, command.name, here));
      return;
    }
    const job: TurnJob = {
      id: `telegram:${account}:${message.id}`,
      sessionKey,
      // Its files are downloaded when the turn runs (prepareTurn), not here: the update is acked fast.
      message,
      channel: channelContext(message, trust),
      trust,
      deliverTo: { channel: "telegram", account, ...target },
      origin: { channel: "telegram", account, ...target },
    };
    // Answered before (a retry after the queue forgot the id): the outbox has it, nothing to queue.
    if (await outbox.get(job.id)) return;
    await ctx.runner.submit(job);
    // Where "last" (heartbeat alerts, cron jobs) reaches the owner: their chat in the main session.
    if (sessionKey === mainSessionKey()) ctx.lastRoute.note(job.deliverTo!);
  }

  return {
    /** Contract: resolves once every update is durable; rejects when one could not be queued (retry them all). */
    async accept(updates: unknown[]): Promise<void> {
      for (const update of updates) await acceptOne(update);
    },
  };
}

export type TelegramIntake = ReturnType<typeof createTelegramIntake>;
