// Everything a handler reads from its environment at cold start, checked at once: the engine's settings,
// the config (AGENT_CLAW_CONFIG and its overrides) and Telegram's webhook secret. One error names every problem.
import { ConfigError } from "../../config/errors.ts";
import type { Config } from "../../config/schema.ts";
import { configFromEnv } from "./config-from-env.ts";
import { type AwsSettings, awsSettingsFromEnv, notConfigured } from "./settings.ts";

/** The Telegram bot the handlers serve, when a bot token is set. */
export interface TelegramSettings {
  token: string;
  apiRoot: string;
  /** Telegram echoes it on every webhook call; the ingest handler refuses calls without it. */
  webhookSecret: string;
}

export interface AwsEnvironment {
  settings: AwsSettings;
  config: Config;
  /** Absent without a bot token: no channel takes messages, and cron replies go nowhere. */
  telegram?: TelegramSettings;
}

/** A handler's environment cannot be used; the message names every problem and what to set. */
export class AwsSetupError extends Error {
  override readonly name = "AwsSetupError";
}

/** The variable for Telegram's webhook secret (channels.telegram.webhookSecret in AGENT_CLAW_CONFIG also works). */
export const WEBHOOK_SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET";
const SECRET_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

/** Reads and checks the environment. Contract: throws AwsSetupError naming every problem, never a secret. */
export function readAwsEnvironment(env: NodeJS.ProcessEnv): AwsEnvironment {
  const settings = awsSettingsFromEnv(env);
  const problems = settings.ok ? [] : settings.problems;
  let config: Config | undefined;
  let configProblem: string | undefined;
  try {
    config = configFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    configProblem = error.message;
  }
  let telegram: TelegramSettings | undefined;
  const token = config?.channels.telegram.enabled ? config.channels.telegram.botToken : undefined;
  if (config && token) {
    const secret = env[WEBHOOK_SECRET_VARIABLE]?.trim() || config.channels.telegram.webhookSecret;
    if (!secret) {
      problems.push(`${WEBHOOK_SECRET_VARIABLE} is not set (Telegram's webhook calls must carry a secret)`);
    } else if (!SECRET_SHAPE.test(secret)) {
      problems.push(`${WEBHOOK_SECRET_VARIABLE} is not 16 to 256 of A-Z, a-z, 0-9, _ and -`);
    } else {
      telegram = { token, apiRoot: config.channels.telegram.apiRoot, webhookSecret: secret };
    }
  }
  if (!settings.ok || !config || problems.length > 0) {
    const lines = [
      ...(problems.length > 0 ? [notConfigured(problems)] : []),
      ...(configProblem ? [configProblem] : []),
    ];
    throw new AwsSetupError(lines.join("\n"));
  }
  return { settings: settings.settings, config, ...(telegram && { telegram }) };
}
