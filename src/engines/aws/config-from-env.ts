// The serverless engine's config: a Lambda has no home folder, so config.json's content comes from
// AGENT_CLAW_CONFIG (optional), checked by the same schema with the same messages as the file, then
// the same environment overrides (AGENT_CLAW_MODEL, TELEGRAM_BOT_TOKEN, provider keys, ...).
import { ConfigError } from "../../config/errors.ts";
import { applyEnvOverrides, validateConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";

/** The environment variable holding the JSON of config.json. */
export const CONFIG_VARIABLE = "AGENT_CLAW_CONFIG";

const FIX = `Set ${CONFIG_VARIABLE} to the JSON object config.json would hold, or leave it unset for the defaults.`;

/**
 * The effective config from the environment. Throws ConfigError with one message for the person
 * deploying: where it came from, every problem found, and what to do.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const text = env[CONFIG_VARIABLE]?.trim();
  const raw = text ? parseObject(text) : {};
  return applyEnvOverrides(validateConfig(raw, CONFIG_VARIABLE), env);
}

/** The JSON object in `text`. The parser's own message is left out: it quotes the text, tokens included. */
function parseObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    let where = "";
    if (position) {
      const before = text.slice(0, Number(position[1]));
      where = ` at line ${before.split("\n").length}, column ${before.length - before.lastIndexOf("\n")}`;
    }
    throw new ConfigError(`${CONFIG_VARIABLE} is not valid JSON${where}. ${FIX}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    const kind = raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`;
    throw new ConfigError(`${CONFIG_VARIABLE} must hold a JSON object ({ ... }), not ${kind}. ${FIX}`);
  }
  return raw as Record<string, unknown>;
}
