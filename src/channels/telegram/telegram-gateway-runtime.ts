// The gateway's "telegram" entry in the registry: it forwards to whichever bot is connected now
// (reconnects swap it) and says so when none is, instead of the registry losing the id.
import type { ChannelRuntime } from "../channel.ts";
import type { ChannelDeps } from "../channel-deps.ts";
import type { TelegramApprovals } from "./telegram-approvals.ts";
import type { TelegramChannel } from "./telegram-channel.ts";
import { telegramCommandReply } from "./telegram-commands.ts";
import { withAttachmentNote } from "./telegram-media.ts";

/** The bot connected now. */
export interface ConnectedBot {
  mode: "polling" | "webhook";
  channel: TelegramChannel;
  approvals: TelegramApprovals;
}

const NOT_RUNNING = "the Telegram bot is not running (see agent-claw status); it is sent once it is";

/** The "telegram" runtime the registry routes to: the connected bot's, or answers that it is not running. */
export function telegramRuntime(deps: ChannelDeps, current: () => ConnectedBot | undefined): ChannelRuntime {
  const connected = (): ConnectedBot => {
    const bot = current();
    if (!bot) throw new Error(NOT_RUNNING);
    return bot;
  };
  return {
    id: "telegram",
    async webhook(headers, body) {
      const bot = current();
      if (!bot || bot.mode !== "webhook")
        return { status: 404, text: "this gateway takes Telegram updates by long polling, not by webhook" };
      return bot.channel.webhook(headers, body);
    },
    accept: async (updates) => connected().channel.accept(updates),
    deliver: async (record, job, turnJobs) => connected().channel.deliver(record, job, turnJobs),
    onEvent: (jobs, event) => current()?.channel.onEvent(jobs, event),
    /**
     * Contract: never rejects. Saves the files of a Telegram turn's messages in the workspace and
     * notes their paths in the text; while the bot is not running, notes only that files came.
     */
    async prepareTurn(request) {
      const bot = current();
      if (!bot) return { ...request, messages: request.messages.map(withAttachmentNote) };
      // exec asks the person who wrote, in their chat, with inline buttons.
      return bot.approvals.withApproval(await bot.channel.prepareTurn(request));
    },
    // A command needs no bot: its reply is stored and delivered once the bot runs.
    runCommand: (job) => telegramCommandReply(deps, job),
  };
}

/** Sends a stored outcome outside a turn; rejects when no bot is connected (it goes out at the next start). */
export function deliverStoredVia(current: () => ConnectedBot | undefined) {
  return (record: Parameters<TelegramChannel["deliverStored"]>[0]): Promise<void> => {
    const bot = current();
    return bot ? bot.channel.deliverStored(record) : Promise.reject(new Error(NOT_RUNNING));
  };
}
