// What `deploy aws` puts in the deployment's secret: the environment variables the functions need (bot
// token, webhook secret, provider keys) and AGENT_CLAW_CONFIG, config.json with its secrets moved out into
// those variables, so the config a function logs or prints never carries a token.
import { WEBHOOK_SECRET_VARIABLE } from "../../channels/telegram/module.ts";
import { SECRET_KEYS } from "../../config/secrets.ts";
import { CONFIG_VARIABLE } from "../../engines/aws/config-from-env.ts";
import { keysFromEnv, MULTI_KEY_PROVIDERS } from "../../models/provider-credentials.ts";

/** config.json keys whose secret goes to a variable instead (the variable wins when the user has set it). */
const MOVED: Record<string, string> = {
  "channels.telegram.botToken": "TELEGRAM_BOT_TOKEN",
  "channels.telegram.webhookSecret": WEBHOOK_SECRET_VARIABLE,
  "providers.anthropic.apiKey": "ANTHROPIC_API_KEY",
  "providers.openai.apiKey": "OPENAI_API_KEY",
  "providers.openaiCompatible.apiKey": "OPENAI_COMPATIBLE_API_KEY",
};

/** The user's variables a deployed function reads too (the model, its provider, Telegram's API root). */
export const CARRIED_VARIABLES = [
  "AGENT_CLAW_MODEL",
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_API_ROOT",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_COMPATIBLE_API_KEY",
  "OPENAI_COMPATIBLE_BASE_URL",
];

/** The variables the deployed functions cannot work without (doctor checks the secret holds them). */
export const REQUIRED_SECRET_KEYS = [CONFIG_VARIABLE, "TELEGRAM_BOT_TOKEN", WEBHOOK_SECRET_VARIABLE];

function at(raw: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = raw;
  for (const part of dotted.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A copy of `raw` without the value at `dotted` (and without objects that became empty on the way). */
function without(raw: Record<string, unknown>, dotted: string): Record<string, unknown> {
  const [head, ...rest] = dotted.split(".");
  if (!(head! in raw)) return raw;
  const { [head!]: inner, ...others } = raw;
  if (rest.length === 0) return others;
  if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return raw;
  const kept = without(inner as Record<string, unknown>, rest.join("."));
  return Object.keys(kept).length === 0 ? others : { ...others, [head!]: kept };
}

/**
 * Every key of Anthropic and OpenAI as VAR, VAR_2, VAR_3... (the form the functions read): the user's
 * numbered variables when any is set, else config's apiKey then apiKeys, as provider-credentials.ts orders them.
 */
function failoverKeys(rawConfig: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { variable, config } of Object.values(MULTI_KEY_PROVIDERS)) {
    const fromEnv = keysFromEnv(variable, env);
    const listed = at(rawConfig, `providers.${config}.apiKeys`);
    const fromConfig = [
      at(rawConfig, `providers.${config}.apiKey`),
      ...(Array.isArray(listed) ? listed : []),
    ];
    const keys = fromEnv.length > 0 ? fromEnv : fromConfig;
    const unique = [...new Set(keys.filter((key): key is string => typeof key === "string" && key !== ""))];
    unique.forEach((key, i) => (out[i === 0 ? variable : `${variable}_${i + 1}`] = key));
  }
  return out;
}

/**
 * The secret's JSON object, from config.json's raw content, the user's environment and the webhook secret.
 * Contract: AGENT_CLAW_CONFIG holds no value of a SECRET_KEYS key (gateway.token is dropped: no gateway runs).
 */
export function deploySecretValues(
  rawConfig: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  webhookSecret: string,
): Record<string, string> {
  const values: Record<string, string> = {};
  let config = rawConfig;
  for (const key of SECRET_KEYS) {
    const variable = MOVED[key];
    const value = at(rawConfig, key);
    if (variable && typeof value === "string" && value !== "") values[variable] = value;
    config = without(config, key);
  }
  for (const name of CARRIED_VARIABLES) {
    const value = env[name]?.trim();
    if (value) values[name] = value;
  }
  Object.assign(values, failoverKeys(rawConfig, env));
  values[WEBHOOK_SECRET_VARIABLE] = webhookSecret;
  values[CONFIG_VARIABLE] = JSON.stringify(config);
  return values;
}
