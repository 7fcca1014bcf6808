// The Telegram channel inside the gateway: connects the bot (getMe, commands), takes updates by long
// polling or by webhook (never both), and hands them to intake; delivery sends the outcomes back.
// A config change to the token, API root or mode restarts it; policies are read per update.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TelegramConfig } from "../../config/schema.ts";
import type { TelegramOutbound } from "../../channels/telegram/outbound.ts";
import type { TelegramPoller } from "../../channels/telegram/polling.ts";
import { verifyTelegramSecret } from "../../channels/telegram/verify.ts";
import type { AgentEvent } from "../../core/agent/events.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { TurnRequest } from "../../core/turn/run-turn.ts";
import { takesImages } from "../../engines/local/assistant.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import type { GatewayContext } from "../gateway-context.ts";
import { TELEGRAM_COMMANDS } from "./telegram-commands.ts";
import type { TelegramDelivery } from "./telegram-delivery.ts";
import { createTelegramApprovals, type TelegramApprovals } from "./telegram-approvals.ts";
import { createIgnoredGroups, type IgnoredGroup } from "./ignored-groups.ts";
import { replyTarget, type TelegramIntake } from "./telegram-intake.ts";
import { prepareTelegramTurn, type TelegramMediaDeps, withAttachmentNote } from "./telegram-media.ts";
import { TELEGRAM_UPDATE_KINDS } from "../../channels/telegram/parse.ts";
import { telegramWebhookSecret } from "../../channels/telegram/webhook-secret.ts";

/** How long connecting waits for Telegram (getMe) before the channel reports an error. */
const CONNECT_TIMEOUT_S = 30;

const ACCOUNT = "default";

export interface TelegramStatus {
  state: "running" | "stopped" | "error";
  detail: string;
}

interface Running {
  settings: TelegramConfig;
  intake: TelegramIntake;
  delivery: TelegramDelivery;
  poller?: TelegramPoller;
  stop: AbortController;
  bot: { id: number; username: string };
  /** Downloads a user's file with this bot's token. */
  download: TelegramMediaDeps["download"];
  outbound: TelegramOutbound;
  approvals: TelegramApprovals;
}

/** The settings that need a restart of the channel when they change. */
const connectionOf = (t: TelegramConfig) =>
  JSON.stringify([t.enabled, t.botToken, t.apiRoot, t.mode, t.webhookUrl, t.webhookSecret]);

export function createTelegramService(ctx: GatewayContext) {
  const { clock } = ctx.assistant.ports;
  const offsetFile = join(ctx.assistant.paths.home, "telegram-offset.json");
  let running: Running | undefined;
  // Outlives reconnects: a group heard from before a token change is still worth showing.
  const ignoredGroups = createIgnoredGroups();
  let status: TelegramStatus = { state: "stopped", detail: "not started" };
  let secret: string | undefined;
  let connection = "";
  let starting: Promise<void> = Promise.resolve();
  let recovery: Promise<number> = Promise.resolve(0);
  // The channel's modules log without a prefix; their debug lines (typing skipped during a flood
  // wait, every few seconds per turn) stay out of the gateway's log.
  const log = (level: "info" | "warn" | "error" | "debug", message: string) => {
    if (level !== "debug") ctx.logs.log(level, `telegram: ${message}`);
  };

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
    const [
      { createBotApi },
      { createTelegramOutbound },
      { createTelegramPoller },
      { createTelegramDelivery },
      { createTelegramIntake },
      { downloadTelegramFile },
    ] = await Promise.all([
      import("../../channels/telegram/bot-api.ts"),
      import("../../channels/telegram/outbound.ts"),
      import("../../channels/telegram/polling.ts"),
      import("./telegram-delivery.ts"),
      import("./telegram-intake.ts"),
      import("../../channels/telegram/files.ts"),
    ]);
    // A Bot API server that does not answer must not hold the gateway's start for grammY's 500 s.
    const api = createBotApi(settings.botToken, settings.apiRoot, { timeoutSeconds: CONNECT_TIMEOUT_S });
    const stop = new AbortController();
    let me: Awaited<ReturnType<typeof api.getMe>>;
    try {
      me = await api.getMe();
    } catch (error) {
      status = { state: "error", detail: `getMe failed: ${(error as Error).message}` };
      log("error", `${status.detail}; check the bot token and the API root (${settings.apiRoot})`);
      return;
    }
    const bot = { id: me.id, username: me.username };
    const outbound = createTelegramOutbound({
      token: settings.botToken,
      apiRoot: settings.apiRoot,
      clock,
      log,
    });
    const delivery = createTelegramDelivery({ ctx, account: ACCOUNT, outbound, signal: stop.signal });
    const approvals = createTelegramApprovals({ ctx, outbound, log });
    const intake = createTelegramIntake({
      ctx,
      account: ACCOUNT,
      bot,
      ignoredGroups,
      onCallback: (callback) => approvals.onCallback(callback),
      reply: (target, text) => {
        void outbound
          .send(target, text)
          .catch((error: Error) => log("warn", `a reply failed: ${error.message}`));
      },
    });
    const { botToken: token, apiRoot } = settings;
    const download = (fileId: string, maxBytes: number) =>
      downloadTelegramFile(api, { token, apiRoot, fileId, maxBytes, signal: stop.signal });
    running = { settings, intake, delivery, stop, bot, download, outbound, approvals };
    void api
      .setMyCommands(TELEGRAM_COMMANDS.map((c) => ({ ...c })))
      .catch((error: Error) => log("warn", `setMyCommands failed: ${error.message}`));

    if (settings.mode === "webhook") {
      secret = await telegramWebhookSecret(ctx.assistant.paths.home, settings.webhookSecret);
      if (settings.webhookUrl) {
        await api.setWebhook(settings.webhookUrl, {
          secret_token: secret,
          allowed_updates: [...TELEGRAM_UPDATE_KINDS],
        });
      }
      status = {
        state: "running",
        detail: `@${bot.username}, webhook ${settings.webhookUrl ?? "(set webhookUrl, or point Telegram at /telegram/webhook)"}`,
      };
    } else {
      const poller = createTelegramPoller({
        token: settings.botToken,
        apiRoot: settings.apiRoot,
        clock,
        handle: (updates) => intake.accept(updates),
        loadOffset: async () => {
          const saved = JSON.parse(await readFile(offsetFile, "utf8").catch(() => "{}")) as {
            offset?: number;
          };
          return typeof saved.offset === "number" ? saved.offset : undefined;
        },
        saveOffset: (offset) => writeFileAtomic(offsetFile, JSON.stringify({ offset })),
        log,
      });
      running.poller = poller;
      status = { state: "running", detail: `@${bot.username}, long polling` };
      void poller.start().catch((error: Error) => {
        status = { state: "error", detail: error.message };
        log("error", error.message);
      });
    }
    // Replies a crash or an outage left undelivered go out in the background: hundreds of them, each
    // waiting its turn in the rate limiter, must not hold the gateway's start.
    recovery = delivery.recover().then(
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
    current.delivery.stop();
    status = { state: "stopped", detail: "stopped" };
    // Switching this gateway from webhook to polling: the webhook it set goes first, or Telegram
    // would refuse the long poll and no update would arrive at all. (A webhook found at start is
    // left alone: it may be another deployment's.)
    const { botToken, apiRoot, mode } = current.settings;
    if (mode === "webhook" && next?.mode === "polling" && next.botToken === botToken && botToken) {
      const { createBotApi } = await import("../../channels/telegram/bot-api.ts");
      await createBotApi(botToken, apiRoot)
        .deleteWebhook()
        .then(() => log("info", "webhook removed: switching to long polling"))
        .catch((error: Error) => log("warn", `could not remove the webhook: ${error.message}`));
    }
  }

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
      const settings = ctx.config().channels.telegram;
      connection = connectionOf(settings);
      starting = starting
        .then(() => connect(settings))
        .catch((error: Error) => {
          status = { state: "error", detail: error.message };
          log("error", error.message);
        });
      return starting;
    },

    /** Applies a new config: reconnects when the connection settings changed. */
    reconfigure(): Promise<void> {
      const settings = ctx.config().channels.telegram;
      if (connectionOf(settings) === connection) return starting;
      connection = connectionOf(settings);
      starting = starting
        .then(() => disconnect(settings))
        .then(() => connect(settings))
        .catch((error: Error) => {
          status = { state: "error", detail: error.message };
          log("error", error.message);
        });
      return starting;
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
      return ignoredGroups.list(ctx.config().channels.telegram.groups);
    },

    /**
     * Delivers an outcome stored in the outbox outside a turn (a heartbeat alert): sent once, and
     * after the next start when the bot is down now.
     */
    deliverStored(record: OutboxRecord): void {
      running?.delivery.deliverStored(record);
    },

    /**
     * A webhook call: 404 when the channel does not take webhooks, 401 for a wrong secret (checked
     * before anything is parsed or the intake gate is touched), 200 once the updates are durable.
     */
    async webhook(headers: Headers, body: () => Promise<unknown>): Promise<200 | 401 | 404> {
      const current = running;
      if (!current || current.settings.mode !== "webhook" || !secret) return 404;
      if (!verifyTelegramSecret(headers, secret)) return 401;
      // Only a verified call counts as intake: a flood of wrong secrets must not hold up turns.
      await ctx.intake.track(async () => current.intake.accept([await body()]));
      return 200;
    },

    /**
     * Contract: never rejects. Saves the files of a Telegram turn's messages in the workspace and
     * notes their paths in the text; while the bot is not running, notes only that files came.
     */
    prepareTurn(request: TurnRequest): Promise<TurnRequest> {
      const current = running;
      if (!current)
        return Promise.resolve({ ...request, messages: request.messages.map(withAttachmentNote) });
      const last = request.messages.at(-1);
      const prepared = prepareTelegramTurn(request, {
        workspace: ctx.assistant.ports.workspace,
        download: current.download,
        timeZone: ctx.assistant.timeZone,
        seesImages: takesImages(ctx.config()),
        log: (level, message) => ctx.logs.log(level, message),
      });
      if (!last) return prepared;
      // send_file goes to the chat (and topic) of the message this turn answers.
      const target = replyTarget(last);
      return prepared.then((ready) =>
        // exec asks the person who wrote, in their chat, with inline buttons.
        current.approvals.withApproval({
          ...ready,
          sendFile: async (file) => {
            await current.outbound.sendFile(target, file);
          },
        }),
      );
    },

    onEvent(jobs: TurnJob[], event: AgentEvent): void {
      running?.delivery.onEvent(jobs, event);
    },

    onOutcome(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): void {
      running?.delivery.onOutcome(record, job, turnJobs);
    },
  };
}

export type TelegramService = ReturnType<typeof createTelegramService>;
