// One Telegram bot account as a ChannelRuntime: webhook calls and polled updates in, bot commands
// answered in session order, replies (typing, previews, chunks) out through the outbox. It needs
// ports, config and the bot token only, so the gateway and the AWS Lambdas build it the same way.
import type { TurnRequest } from "../../core/turn/run-turn.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { Values } from "../../ports/values.ts";
import { systemTimeZone, takesImages } from "../../engines/assistant-settings.ts";
import type { ChannelRuntime } from "../channel.ts";
import type { ChannelDeps } from "../channel-deps.ts";
import { createBotApi } from "./bot-api.ts";
import type { TelegramCallback } from "./callback.ts";
import { downloadTelegramFile } from "./files.ts";
import type { IgnoredGroups } from "./ignored-groups.ts";
import { createTelegramOutbound, type TelegramOutbound } from "./outbound.ts";
import type { TelegramBotIdentity } from "./parse.ts";
import { telegramCommandReply } from "./telegram-commands.ts";
import { createTelegramDelivery } from "./telegram-delivery.ts";
import { createTelegramIntake, replyTarget } from "./telegram-intake.ts";
import { prepareTelegramTurn } from "./telegram-media.ts";
import { verifyTelegramSecret } from "./verify.ts";

/** One bot: its token, where its Bot API is, who it is (getMe) and, in webhook mode, its secret. */
export interface TelegramAccount {
  /** "default": the one account the config describes. */
  id: string;
  token: string;
  /** The Bot API root without a trailing slash. */
  apiRoot: string;
  bot: TelegramBotIdentity;
  /** The secret Telegram echoes on webhook calls; absent: this bot takes updates by long polling. */
  webhookSecret?: string;
}

/** What only a long-lived process offers (the gateway): all optional. */
export interface TelegramChannelOptions {
  /** Groups heard from but not allowed, for the Channels page. */
  ignoredGroups?: IgnoredGroups;
  /** Inline-button presses (exec's approvals, which need a process waiting). Contract: never rejects. */
  onCallback?: (callback: TelegramCallback) => Promise<void>;
  /** Runs a verified webhook call's intake (the gateway's intake gate holds turns back meanwhile). */
  track?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Cancels file downloads when the channel stops. */
  signal?: AbortSignal;
}

export interface TelegramChannel extends ChannelRuntime {
  readonly account: TelegramAccount;
  readonly outbound: TelegramOutbound;
  /** Delivers an outcome stored outside a turn (a heartbeat alert). Contract: rejects when Telegram would not take it. */
  deliverStored(record: OutboxRecord): Promise<void>;
  /** Sends what an earlier run stored but never delivered; how many went out. */
  recover(): Promise<number>;
  /** Stops typing indicators and previews of turns still running. */
  stop(): void;
}

/** How long a bot's getMe answer is reused from `cache` (a username can change, rarely). */
const BOT_IDENTITY_TTL_MS = 24 * 60 * 60_000;

/**
 * The account of `token`, asking Telegram who the bot is (the gateway's connect, a Lambda's cold
 * start). With `cache`, the answer is kept there for a day under the bot's id, so that cold starts
 * of many processes do not each wait for getMe.
 */
export async function loadTelegramAccount(
  settings: { token: string; apiRoot: string; webhookSecret?: string; timeoutSeconds?: number },
  cache?: Values,
): Promise<TelegramAccount> {
  const key = `telegram:bot:${settings.token.split(":")[0]}`;
  const cached = await cache?.get<TelegramBotIdentity>(key);
  let bot: TelegramBotIdentity;
  if (typeof cached?.id === "number" && typeof cached.username === "string") {
    bot = { id: cached.id, username: cached.username };
  } else {
    const api = createBotApi(settings.token, settings.apiRoot, {
      ...(settings.timeoutSeconds !== undefined && { timeoutSeconds: settings.timeoutSeconds }),
    });
    const me = await api.getMe();
    bot = { id: me.id, username: me.username };
    await cache?.put(key, bot, { ttlMs: BOT_IDENTITY_TTL_MS });
  }
  return {
    id: "default",
    token: settings.token,
    apiRoot: settings.apiRoot,
    bot,
    ...(settings.webhookSecret !== undefined && { webhookSecret: settings.webhookSecret }),
  };
}

export function createTelegramChannel(
  deps: ChannelDeps,
  account: TelegramAccount,
  options: TelegramChannelOptions = {},
): TelegramChannel {
  const { clock } = deps.ports;
  const { token, apiRoot } = account;
  const outbound = createTelegramOutbound({ token, apiRoot, clock, log: deps.log });
  const delivery = createTelegramDelivery({ deps, account: account.id, outbound });
  const intake = createTelegramIntake({
    deps,
    account: account.id,
    bot: account.bot,
    ...(options.ignoredGroups && { ignoredGroups: options.ignoredGroups }),
    ...(options.onCallback && { onCallback: options.onCallback }),
    // Awaited: on a Lambda nothing runs once the webhook is answered. A failure is only logged: the
    // reply was claimed, and a pairing code is asked for again by writing again.
    reply: (target, text) =>
      outbound.send(target, text).then(
        () => {},
        (error: Error) => deps.log("warn", `telegram: a reply failed: ${error.message}`),
      ),
  });
  let api: ReturnType<typeof createBotApi> | undefined;
  const download = (fileId: string, maxBytes: number) =>
    downloadTelegramFile((api ??= createBotApi(token, apiRoot)), {
      token,
      apiRoot,
      fileId,
      maxBytes,
      ...(options.signal && { signal: options.signal }),
    });
  const track = options.track ?? (<T>(work: () => Promise<T>) => work());

  return {
    id: "telegram",
    account,
    outbound,

    async webhook(headers, body) {
      if (account.webhookSecret === undefined)
        return { status: 404, text: "this gateway takes Telegram updates by long polling, not by webhook" };
      if (!verifyTelegramSecret(headers, account.webhookSecret)) return { status: 401, text: "unauthorized" };
      // Only a verified call counts as intake: a flood of wrong secrets must not hold up turns.
      await track(async () => intake.accept([await body()]));
      return { status: 200, text: "ok" };
    },

    accept: (updates) => intake.accept(updates),
    deliver: (record, job, turnJobs) => delivery.deliver(record, job, turnJobs),
    onEvent: (jobs, event) => delivery.onEvent(jobs, event),

    async prepareTurn(request: TurnRequest): Promise<TurnRequest> {
      const config = deps.config();
      const prepared = await prepareTelegramTurn(request, {
        workspace: deps.ports.workspace,
        download,
        timeZone: deps.timeZone?.() ?? systemTimeZone(config),
        seesImages: takesImages(config),
        log: (level, message) => deps.log(level, message),
      });
      const last = request.messages.at(-1);
      if (!last) return prepared;
      // send_file goes to the chat (and topic) of the message this turn answers.
      const target = replyTarget(last);
      return {
        ...prepared,
        sendFile: async (file) => {
          await outbound.sendFile(target, file);
        },
      };
    },

    runCommand: (job) => telegramCommandReply(deps, job),

    deliverStored: (record) => delivery.deliverStored(record),
    recover: () => delivery.recover(),
    stop: () => delivery.stop(),
  };
}
