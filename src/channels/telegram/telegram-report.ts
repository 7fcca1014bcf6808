// What the Telegram settings amount to, checked against the Bot API itself (getMe, getWebhookInfo):
// `agent-claw channels status`, onboard's token check and doctor's Telegram line read it.
import type { Config } from "../../config/schema.ts";

/** Said wherever a bot token is missing. */
export const NO_TELEGRAM_TOKEN =
  "No Telegram bot token: set TELEGRAM_BOT_TOKEN or `agent-claw config set channels.telegram.botToken <token>`.";

export interface TelegramReport {
  configured: boolean;
  mode: string;
  bot?: string;
  webhook?: { url: string; pendingUpdates: number; lastError?: string };
  problem?: string;
}

/** Contract: never rejects; what is wrong ends up in `problem`, with what to do about it. */
export async function telegramReport(config: Config): Promise<TelegramReport> {
  const t = config.channels.telegram;
  const report: TelegramReport = { configured: Boolean(t.botToken && t.enabled), mode: t.mode };
  if (!t.enabled) return { ...report, problem: "disabled (channels.telegram.enabled is false)" };
  if (!t.botToken) return { ...report, problem: NO_TELEGRAM_TOKEN };
  // grammY is loaded here, not when the CLI starts.
  const [{ createBotApi }, { webhookActiveMessage }] = await Promise.all([
    import("./bot-api.ts"),
    import("./polling.ts"),
  ]);
  const api = createBotApi(t.botToken, t.apiRoot);
  try {
    const me = await api.getMe();
    report.bot = `@${me.username}`;
    const info = await api.getWebhookInfo();
    if (info.url) {
      report.webhook = {
        url: info.url,
        pendingUpdates: info.pending_update_count,
        ...(info.last_error_message && { lastError: info.last_error_message }),
      };
    }
    if (t.mode === "polling" && info.url) report.problem = webhookActiveMessage(info.url);
    if (t.mode === "webhook" && !info.url) {
      report.problem =
        "webhook mode, but no webhook is set: run `agent-claw channels telegram set-webhook --url https://…/telegram/webhook`";
    }
  } catch (error) {
    report.problem = `the Bot API at ${t.apiRoot} refused: ${(error as Error).message}`;
  }
  return report;
}
