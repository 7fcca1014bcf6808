// `agent-claw channels status` and `agent-claw channels telegram set-webhook|delete-webhook`: what
// the channels are configured to do, checked against the platform itself (no gateway needed).
import type { Command } from "commander";
import type { BotApi } from "../../channels/telegram/bot-api.ts";
import { loadConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import type { Config } from "../../config/schema.ts";
import { NO_TELEGRAM_TOKEN, telegramReport } from "../../channels/telegram/telegram-report.ts";
import { action, bold, dim, green, red, UsageError, yellow } from "../io.ts";

/** The Bot API client; grammY is loaded here, not when the CLI starts. */
async function telegramApi(config: Config): Promise<BotApi> {
  const { botToken, apiRoot } = config.channels.telegram;
  if (!botToken) throw new UsageError(NO_TELEGRAM_TOKEN);
  const { createBotApi } = await import("../../channels/telegram/bot-api.ts");
  return createBotApi(botToken, apiRoot);
}

export { telegramReport };

export function registerChannels(program: Command): void {
  const channels = program.command("channels").description("Check and set up the chat channels");

  channels
    .command("status")
    .description("Show each channel's configuration and what its platform reports")
    .option("--json", "print JSON")
    .action(
      action(async (options: { json?: boolean }) => {
        const config = await loadConfig(resolvePaths());
        const telegram = await telegramReport(config);
        if (options.json) return void process.stdout.write(`${JSON.stringify({ telegram }, null, 2)}\n`);
        const state = telegram.problem ? (telegram.configured ? red("problem") : yellow("off")) : green("ok");
        process.stdout.write(`${bold("Telegram")}  ${state}  ${dim(`mode ${telegram.mode}`)}\n`);
        if (telegram.bot) process.stdout.write(`  bot: ${telegram.bot}\n`);
        if (telegram.webhook) {
          const w = telegram.webhook;
          process.stdout.write(`  webhook: ${w.url} (${w.pendingUpdates} pending)\n`);
          if (w.lastError) process.stdout.write(`  last webhook error: ${w.lastError}\n`);
        }
        if (telegram.problem) process.stdout.write(`  ${telegram.problem}\n`);
        process.stdout.write(dim("Web chat, API and hooks run with the gateway: `agent-claw gateway`.\n"));
      }),
    );

  const telegram = channels.command("telegram").description("Telegram: switch between polling and webhook");

  telegram
    .command("set-webhook")
    .description("Point Telegram at the gateway's /telegram/webhook (webhook mode)")
    .option(
      "--url <url>",
      "public https URL ending in /telegram/webhook (default: channels.telegram.webhookUrl)",
    )
    .option("--drop-pending", "drop updates Telegram holds for the bot")
    .action(
      action(async (options: { url?: string; dropPending?: boolean }) => {
        const paths = resolvePaths();
        const config = await loadConfig(paths);
        const url = options.url ?? config.channels.telegram.webhookUrl;
        if (!url) throw new UsageError("Give the public URL: --url https://your.host/telegram/webhook.");
        if (!/^https:\/\/.+\/telegram\/webhook$/.test(url)) {
          throw new UsageError(`The URL must be https and end in /telegram/webhook, got "${url}".`);
        }
        const [{ telegramWebhookSecret }, { TELEGRAM_UPDATE_KINDS }] = await Promise.all([
          import("../../channels/telegram/webhook-secret.ts"),
          import("../../channels/telegram/parse.ts"),
        ]);
        const secret = await telegramWebhookSecret(paths.home, config.channels.telegram.webhookSecret);
        await (
          await telegramApi(config)
        ).setWebhook(url, {
          secret_token: secret,
          allowed_updates: [...TELEGRAM_UPDATE_KINDS],
          drop_pending_updates: options.dropPending === true,
        });
        process.stdout.write(
          `Webhook set to ${url}.\nSet channels.telegram.mode to "webhook" (agent-claw config set channels.telegram.mode webhook) so the gateway takes the calls instead of polling.\n`,
        );
      }),
    );

  telegram
    .command("delete-webhook")
    .description("Remove the webhook, so the gateway can take updates by long polling")
    .option("--drop-pending", "drop updates Telegram holds for the bot")
    .action(
      action(async (options: { dropPending?: boolean }) => {
        const config = await loadConfig(resolvePaths());
        await (
          await telegramApi(config)
        ).deleteWebhook({ drop_pending_updates: options.dropPending === true });
        process.stdout.write(
          'Webhook removed. With channels.telegram.mode "polling" (the default) the gateway now long-polls.\n',
        );
      }),
    );
}
