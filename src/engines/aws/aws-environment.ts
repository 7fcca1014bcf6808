// Everything a handler reads from its environment at cold start, checked at once: the engine's settings,
// the config (AGENT_CLAW_CONFIG and its overrides) and each channel's (Telegram's webhook secret). One
// error names every problem.
import type { ChannelModule } from "../../channels/channel-module.ts";
import { CHANNEL_MODULES } from "../../channels/index.ts";
import { ConfigError } from "../../config/errors.ts";
import type { Config } from "../../config/schema.ts";
import { configFromEnv } from "./config-from-env.ts";
import { type AwsSettings, awsSettingsFromEnv, notConfigured } from "./settings.ts";

/** A channel the handlers serve (one whose settings are present), with its checked settings. */
export interface ServerlessChannel {
  module: ChannelModule;
  settings: unknown;
}

export interface AwsEnvironment {
  settings: AwsSettings;
  config: Config;
  /** Empty without a bot token: no channel takes messages, and cron replies go nowhere. */
  channels: ServerlessChannel[];
}

/** A handler's environment cannot be used; the message names every problem and what to set. */
export class AwsSetupError extends Error {
  override readonly name = "AwsSetupError";
}

/** The variable for Telegram's webhook secret (channels.telegram.webhookSecret in AGENT_CLAW_CONFIG also works). */
export { WEBHOOK_SECRET_VARIABLE } from "../../channels/telegram/module.ts";

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
  const channels: ServerlessChannel[] = [];
  for (const module of config ? CHANNEL_MODULES : []) {
    const checked = module.serverlessSettings(config!, env);
    problems.push(...checked.problems);
    if (checked.settings !== undefined) channels.push({ module, settings: checked.settings });
  }
  if (!settings.ok || !config || problems.length > 0) {
    const lines = [
      ...(problems.length > 0 ? [notConfigured(problems)] : []),
      ...(configProblem ? [configProblem] : []),
    ];
    throw new AwsSetupError(lines.join("\n"));
  }
  return { settings: settings.settings, config, channels };
}
