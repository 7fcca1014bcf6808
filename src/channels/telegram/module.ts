// Telegram as one channel module: the gateway's bot lifecycle, a Lambda's webhook-only runtime, its
// serverless settings and its doctor line. Light to import: grammY loads only when a bot is used.
import type { TelegramConfig } from "../../config/schema.ts";
import type { ChannelModule } from "../channel-module.ts";
import { telegramManifest } from "./manifest.ts";

/** A Lambda's bot: webhook only (nothing polls there), so the secret is required. */
export interface TelegramServerlessSettings {
  token: string;
  apiRoot: string;
  /** Telegram echoes it on every webhook call; calls without it are refused before reading them. */
  webhookSecret: string;
}

/** The variable for the webhook secret on AWS (channels.telegram.webhookSecret in the config also works). */
export const WEBHOOK_SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET";
/** What Telegram accepts as a secret_token. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

const isOn = (t: TelegramConfig) => Boolean(t.enabled && t.botToken);

export const telegramModule: ChannelModule<TelegramServerlessSettings> = {
  id: telegramManifest.id,
  label: telegramManifest.label,

  configured: (config) => isOn(config.channels.telegram),

  async startInGateway(host) {
    const { createTelegramGateway } = await import("./telegram-gateway.ts");
    return createTelegramGateway(host);
  },

  serverlessSettings(config, env) {
    const t = config.channels.telegram;
    if (!isOn(t)) return { problems: [] };
    const secret = env[WEBHOOK_SECRET_VARIABLE]?.trim() || t.webhookSecret;
    if (!secret)
      return {
        problems: [`${WEBHOOK_SECRET_VARIABLE} is not set (Telegram's webhook calls must carry a secret)`],
      };
    if (!SECRET_SHAPE.test(secret))
      return { problems: [`${WEBHOOK_SECRET_VARIABLE} is not 16 to 256 of A-Z, a-z, 0-9, _ and -`] };
    return { settings: { token: t.botToken!, apiRoot: t.apiRoot, webhookSecret: secret }, problems: [] };
  },

  async openServerless(deps, settings) {
    const [{ createTelegramChannel, loadTelegramAccount }, { replyTarget }] = await Promise.all([
      import("./telegram-channel.ts"),
      import("./telegram-intake.ts"),
    ]);
    // Who the bot is comes from the Values port (asked of Telegram once a day), not from every cold start.
    const account = await loadTelegramAccount(settings, deps.ports.values);
    const channel = createTelegramChannel(
      {
        ...deps,
        // "typing…" as soon as the message is safe: the runner may still be starting. Awaited, because
        // a Lambda is frozen once it answers; typing never throws.
        async submit(job) {
          const queued = await deps.submit(job);
          if (queued && job.channel.channel === telegramManifest.id)
            await channel.outbound.typing(replyTarget(job.message));
          return queued;
        },
      },
      account,
    );
    return channel;
  },

  async doctor(config) {
    const { telegramReport } = await import("./telegram-report.ts");
    const report = await telegramReport(config);
    const via = `${report.mode}${report.webhook ? ` (${report.webhook.url})` : ""}`;
    if (!report.problem) return { status: "ok", detail: `${report.bot}, ${via}` };
    return {
      status: "fail",
      detail: report.bot ? `${report.bot}, ${report.mode}` : report.mode,
      fix: report.problem,
    };
  },
};
