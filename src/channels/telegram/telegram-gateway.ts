// The Telegram bot's lifecycle in the gateway: connect (getMe, commands), long polling or webhook (never
// both), reconnect on a config change, and the one TelegramChannel runtime registered as "telegram";
// exec approvals with inline buttons live here because they need a process waiting.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TelegramConfig } from "../../config/schema.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import type { ChannelStatus, GatewayChannel, GatewayChannelHost } from "../channel-module.ts";
import { createIgnoredGroups, type IgnoredGroup } from "./ignored-groups.ts";
import { TELEGRAM_UPDATE_KINDS } from "./parse.ts";
import type { TelegramPoller } from "./polling.ts";
import { createTelegramApprovals } from "./telegram-approvals.ts";
import { TELEGRAM_COMMANDS } from "./telegram-commands.ts";
import { type ConnectedBot, deliverStoredVia, telegramRuntime } from "./telegram-gateway-runtime.ts";
import { telegramWebhookSecret } from "./webhook-secret.ts";

/** How long connecting waits for Telegram (getMe) before the channel reports an error. */
const CONNECT_TIMEOUT_S = 30;

export type TelegramStatus = ChannelStatus;

interface Running extends ConnectedBot {
  settings: TelegramConfig;
  poller?: TelegramPoller;
  stop: AbortController;
}

/** The settings that need a restart of the channel when they change. */
const connectionOf = (t: TelegramConfig) =>
  JSON.stringify([t.enabled, t.botToken, t.apiRoot, t.mode, t.webhookUrl, t.webhookSecret]);

export function createTelegramGateway(host: GatewayChannelHost): GatewayChannel {
  const { deps } = host;
  const { clock } = deps.ports;
  const offsetFile = join(host.home, "telegram-offset.json");
  let running: Running | undefined;
  // Outlives reconnects: a group heard from before a token change is still worth showing.
  const ignoredGroups = createIgnoredGroups();
  let status: TelegramStatus = { state: "stopped", detail: "not started" };
  let connection = "";
  let starting: Promise<void> = Promise.resolve();
  let recovery: Promise<number> = Promise.resolve(0);
  const log = (level: "info" | "warn" | "error", message: string) => deps.log(level, `telegram: ${message}`);

  async function connect(settings: TelegramConfig): Promise<void> {
    if (!settings.enabled) {
      status = { state: "stopped", detail: "disabled (channels.telegram.enabled is false)" };
      return;
    }
    if (!settings.botToken) {
      status = {
        state: "stopped",
        detail: "no bot token: set TELEGRAM_BOT_TOKEN or channels.telegram.botToken",
      };
      return;
    }
    // Loaded only when a bot is configured: grammY and its fetch shim are a gateway's largest module.
    const [{ createBotApi }, { createTelegramPoller }, { createTelegramChannel, loadTelegramAccount }] =
      await Promise.all([import("./bot-api.ts"), import("./polling.ts"), import("./telegram-channel.ts")]);
    const { botToken: token, apiRoot } = settings;
    const webhookSecret =
      settings.mode === "webhook"
        ? await telegramWebhookSecret(host.home, settings.webhookSecret)
        : undefined;
    let account: Awaited<ReturnType<typeof loadTelegramAccount>>;
    try {
      // A Bot API server that does not answer must not hold the gateway's start for grammY's 500 s.
      account = await loadTelegramAccount({
        token,
        apiRoot,
        ...(webhookSecret !== undefined && { webhookSecret }),
        timeoutSeconds: CONNECT_TIMEOUT_S,
      });
    } catch (error) {
      status = { state: "error", detail: `getMe failed: ${(error as Error).message}` };
      log("error", `${status.detail}; check the bot token and the API root (${apiRoot})`);
      return;
    }
    const stop = new AbortController();
    const channel = createTelegramChannel(deps, account, {
      ignoredGroups,
      // Presses arrive only after connecting, when `approvals` below is set.
      onCallback: (callback) => approvals.onCallback(callback),
      track: (work) => host.track(work),
      signal: stop.signal,
    });
    const approvals = createTelegramApprovals({
      desk: host.approvals,
      clock,
      outbound: channel.outbound,
      log,
    });
    running = { mode: settings.mode, settings, channel, stop, approvals };
    const api = createBotApi(token, apiRoot);
    void api
      .setMyCommands(TELEGRAM_COMMANDS.map((c) => ({ ...c })))
      .catch((error: Error) => log("warn", `setMyCommands failed: ${error.message}`));
    const { username } = account.bot;
    if (settings.mode === "webhook") {
      if (settings.webhookUrl) {
        await api.setWebhook(settings.webhookUrl, {
          secret_token: webhookSecret!,
          allowed_updates: [...TELEGRAM_UPDATE_KINDS],
        });
      }
      status = {
        state: "running",
        detail: `@${username}, webhook ${settings.webhookUrl ?? "(set webhookUrl, or point Telegram at /telegram/webhook)"}`,
      };
    } else {
      const poller = createTelegramPoller({
        token,
        apiRoot,
        clock,
        handle: (updates) => channel.accept(updates),
        loadOffset: async () => {
          const saved = JSON.parse(await readFile(offsetFile, "utf8").catch(() => "{}")) as {
            offset?: number;
          };
          return typeof saved.offset === "number" ? saved.offset : undefined;
        },
        saveOffset: (offset) => writeFileAtomic(offsetFile, JSON.stringify({ offset })),
        log: (level, message) => deps.log(level, `telegram: ${message}`),
      });
      running.poller = poller;
      status = { state: "running", detail: `@${username}, long polling` };
      void poller.start().catch((error: Error) => {
        status = { state: "error", detail: error.message };
        log("error", error.message);
      });
    }
    // Replies a crash or an outage left undelivered go out in the background: hundreds of them, each
    // waiting its turn in the rate limiter, must not hold the gateway's start.
    recovery = channel.recover().then(
      (recovered) => {
        if (recovered > 0) log("info", `sent ${recovered} reply(s) left undelivered by the last run`);
        return recovered;
      },
      (error: Error) => {
        log("warn", `sending replies left by the last run failed: ${error.message}`);
        return 0;
      },
    );
  }

  async function disconnect(next?: TelegramConfig): Promise<void> {
    const current = running;
    running = undefined;
    if (!current) return;
    current.stop.abort();
    await current.poller?.stop();
    current.channel.stop();
    status = { state: "stopped", detail: "stopped" };
    // Switching this gateway from webhook to polling: the webhook it set goes first, or Telegram
    // would refuse the long poll and no update would arrive at all. (A webhook found at start is
    // left alone: it may be another deployment's.)
    const { botToken, apiRoot, mode } = current.settings;
    if (mode === "webhook" && next?.mode === "polling" && next.botToken === botToken && botToken) {
      const { createBotApi } = await import("./bot-api.ts");
      await createBotApi(botToken, apiRoot)
        .deleteWebhook()
        .then(() => log("info", "webhook removed: switching to long polling"))
        .catch((error: Error) => log("warn", `could not remove the webhook: ${error.message}`));
    }
  }

  const serialize = (next: () => Promise<void>) => {
    starting = starting.then(next).catch((error: Error) => {
      status = { state: "error", detail: error.message };
      log("error", error.message);
    });
    return starting;
  };

  const runtime = telegramRuntime(deps, () => running);
  host.registry.register(runtime);
  const deliverStored = deliverStoredVia(() => running);

  return {
    /**
     * Settles (with how many) once the replies the last run left undelivered were sent; they go out
     * in the background after connecting. Contract: never rejects.
     */
    get recovery(): Promise<number> {
      return recovery;
    },

    /** Connects with the config in force; problems end up in status(), not in a throw. */
    start(): Promise<void> {
      const settings = deps.config().channels.telegram;
      connection = connectionOf(settings);
      return serialize(() => connect(settings));
    },

    /** Applies a new config: reconnects when the connection settings changed. */
    reconfigure(): Promise<void> {
      const settings = deps.config().channels.telegram;
      if (connectionOf(settings) === connection) return starting;
      connection = connectionOf(settings);
      return serialize(() => disconnect(settings).then(() => connect(settings)));
    },

    stop(): Promise<void> {
      starting = starting.then(() => disconnect());
      return starting;
    },

    status(): TelegramStatus {
      const poll = running?.poller?.status();
      if (poll && status.state === "running" && poll.state !== "polling" && poll.state !== "starting") {
        const restarts = poll.restarts ? `, ${poll.restarts} restart(s) after stalls` : "";
        return {
          state: poll.state === "error" ? "error" : "running",
          detail: `${poll.state}: ${poll.detail ?? ""}${restarts}`,
        };
      }
      if (poll?.restarts)
        return { ...status, detail: `${status.detail}, ${poll.restarts} restart(s) after stalls` };
      return status;
    },

    /** Groups the bot heard from that are not in channels.telegram.groups, most recent first. */
    ignoredGroups(): IgnoredGroup[] {
      return ignoredGroups.list(deps.config().channels.telegram.groups);
    },

    /**
     * Delivers an outcome stored in the outbox outside a turn (a heartbeat alert): sent once, and
     * after the next start when the bot is down now.
     */
    deliverStored(record: OutboxRecord): void {
      if (record.deliverTo?.channel !== "telegram") return;
      void deliverStored(record).catch((error: Error) =>
        log("warn", `a stored reply waits for the next start: ${error.message}`),
      );
    },
  };
}
