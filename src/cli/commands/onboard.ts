// `agent-claw onboard`: from nothing to a working Telegram bot: provider and model (key tested), time
// zone, names, the Telegram bot token (checked with getMe), and how pairing lets you in. Asks for what
// the flags leave out (answers may be piped); `--yes` asks nothing.
import type { Command } from "commander";
import { createFsWorkspace } from "../../adapters/fs/workspace.ts";
import { withKey } from "../../config/edit.ts";
import { configJsonSchema } from "../../config/json-schema.ts";
import { applyEnvOverrides, readRawConfig, validateConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { isTimeZone } from "../../core/cron/zoned-time.ts";
import { workspaceDirFor } from "../../engines/local/assistant.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { PRIVATE_FILE_MODE } from "../../util/private-files.ts";
import { action, bold, dim, green, UsageError } from "../io.ts";
import { type Asker, createAsker } from "../line-asker.ts";
import { type ModelFlags, onboardModel } from "../onboard-model.ts";
import { personaliseWorkspace, readPersonal } from "../onboard-workspace.ts";
import { telegramReport } from "./channels.ts";

interface OnboardOptions extends ModelFlags {
  workspace?: string;
  timezone?: string;
  assistantName?: string;
  userName?: string;
  dmScope?: string;
  telegramToken?: string;
  yes?: boolean;
}

export function registerOnboard(program: Command): void {
  program
    .command("onboard")
    .description(
      "Set up agent-claw: model and key, time zone, names, Telegram bot (asks for what flags leave out)",
    )
    .option("--provider <id>", "anthropic | openai | ollama | openai-compatible | bedrock")
    .option("--model <ref>", 'model, e.g. "claude-sonnet-4-5" or "ollama/llama3.2" (provider/model)')
    .option("--api-key <key>", "the provider's API key (saved in config.json, mode 0600)")
    .option("--base-url <url>", "the provider's base URL (openai-compatible servers)")
    .option("--telegram-token <token>", "the bot token from @BotFather (checked with getMe)")
    .option("--timezone <iana>", 'your time zone, e.g. "Europe/Berlin"')
    .option("--assistant-name <name>", "what the assistant is called")
    .option("--user-name <name>", "what the assistant calls you")
    .option("--workspace <dir>", "workspace folder (an existing OpenClaw workspace works as is)")
    .option("--dm-scope <scope>", "main | per-peer | per-channel-peer")
    .option("--no-check", "save the key and the bot token without testing them")
    .option("-y, --yes", "ask nothing: use the flags, what is saved, and defaults")
    .addHelpText(
      "after",
      "\nExamples:\n  agent-claw onboard\n  agent-claw onboard --yes --model anthropic/claude-sonnet-4-5 --api-key sk-ant-... \\\n    --telegram-token 123456:ABC... --timezone Europe/Berlin --user-name Ada",
    )
    .action(action(onboard));
}

async function onboard(options: OnboardOptions): Promise<void> {
  const env = process.env;
  const paths = resolvePaths(env);
  const asker: Asker | undefined = options.yes ? undefined : createAsker(process.stdin, process.stdout, dim);
  const ask = async (label: string, fallback: string | undefined) =>
    asker ? asker.ask(label, fallback) : fallback;
  const askSecret = async (label: string, fallback: string | undefined) =>
    asker ? asker.askSecret(label, fallback) : fallback;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    let raw = await readRawConfig(paths.configFile);
    const before = validateConfig(raw, paths.configFile);
    const model = await onboardModel(raw, options, { ask, askSecret }, env);
    raw = model.raw;
    model.lines.forEach(out);

    const workspace = await ask(
      "Workspace folder",
      options.workspace ?? before.agent.workspace ?? paths.defaultWorkspace,
    );
    if (workspace && workspace !== paths.defaultWorkspace) raw = withKey(raw, "agent.workspace", workspace);
    const files = createFsWorkspace({
      root: workspaceDirFor(validateConfig(raw, "The config from your answers"), paths),
    });
    const saved = await readPersonal(files);
    const systemZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const timezone = await ask(
      "Your time zone",
      options.timezone ?? before.agent.timezone ?? saved.timezone ?? systemZone,
    );
    if (timezone && !isTimeZone(timezone)) {
      throw new UsageError(`"${timezone}" is not a time zone; use an IANA name such as Europe/Berlin.`);
    }
    if (timezone) raw = withKey(raw, "agent.timezone", timezone);
    const assistantName = await ask("Assistant name", options.assistantName ?? saved.assistantName ?? "Claw");
    const userName = await ask("Your name", options.userName ?? saved.userName);
    if (options.dmScope) raw = withKey(raw, "session.dmScope", options.dmScope);

    const telegram = await onboardTelegram(raw, options, askSecret, env);
    raw = telegram.raw;
    raw = { $schema: "./config.schema.json", ...raw };
    const config = validateConfig(raw, "The config from your answers");

    await writeFileAtomic(paths.schemaFile, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    // Keys and the bot token live in it: private whatever mode an older file had.
    await writeFileAtomic(paths.configFile, `${JSON.stringify(raw, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    const changed = await personaliseWorkspace(files, { assistantName, userName, timezone });

    out(`${green("✓")} Config written to ${paths.configFile}`);
    out(
      `${green("✓")} Workspace ${workspaceDirFor(config, paths)}${changed.length ? ` (${changed.join("; ")})` : ""}`,
    );
    if (telegram.bot) out(`${green("✓")} Telegram bot ${telegram.bot}`);
    if (!config.model)
      out(`${bold("!")} No model set yet: run \`agent-claw onboard --model <provider/model>\`.`);
    out("");
    out(`Next: start the assistant with ${bold("npm start")} (or ${bold("agent-claw gateway")}).`);
    if (telegram.bot) {
      out(
        `Then write to ${telegram.bot} on Telegram. It does not know you yet, so it answers with a pairing code;\n` +
          `approve it with ${bold("agent-claw pairing approve telegram <code>")} and the bot tells you you're in.`,
      );
    } else {
      out(
        `Talk to it in the web chat it prints, or with ${bold("agent-claw chat")}; ${bold("agent-claw doctor")} checks everything.`,
      );
    }
  } finally {
    asker?.close();
  }
}

/** Asks for (or takes) the bot token and checks it with getMe; a token Telegram refuses is not saved. */
async function onboardTelegram(
  raw: Record<string, unknown>,
  options: OnboardOptions,
  askSecret: (label: string, fallback: string | undefined) => Promise<string | undefined>,
  env: NodeJS.ProcessEnv,
): Promise<{ raw: Record<string, unknown>; bot?: string }> {
  const saved = validateConfig(raw, "The config from your answers").channels.telegram.botToken;
  const answer =
    options.telegramToken ??
    (await askSecret(
      "Telegram bot token from @BotFather (empty: no Telegram)",
      saved ? "keep the saved one" : undefined,
    ));
  const token = answer === "keep the saved one" ? saved : answer;
  if (!token) return { raw };
  const next = withKey(raw, "channels.telegram.botToken", token);
  const config = applyEnvOverrides(validateConfig(next, "The Telegram bot token"), {
    ...env,
    TELEGRAM_BOT_TOKEN: undefined,
  });
  if (options.check === false) return { raw: next };
  const report = await telegramReport(config);
  if (!report.bot) {
    throw new UsageError(
      `Telegram did not accept the bot token (${report.problem ?? "no answer"}); it was not saved. ` +
        "Copy it again from @BotFather, or pass --no-check to save it untested.",
    );
  }
  return { raw: next, bot: report.bot };
}
