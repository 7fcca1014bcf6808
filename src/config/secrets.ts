// The config keys that hold secrets: masked wherever config is shown (CLI, web UI) and added to what
// logs and replies redact, since a token written in config.json is not in the environment.
import { secretValues } from "../util/redact.ts";
import type { Config } from "./schema.ts";

/** Dotted keys whose values are secrets. */
export const SECRET_KEYS = [
  "gateway.token",
  "channels.telegram.botToken",
  "channels.telegram.webhookSecret",
  "providers.anthropic.apiKey",
  "providers.anthropic.apiKeys",
  "providers.openai.apiKey",
  "providers.openai.apiKeys",
  "providers.openaiCompatible.apiKey",
];

export const MASK = "[redacted]";

/** The configured secret values (to redact in logs and replies). */
export function configSecretValues(config: Config): string[] {
  const { gateway, channels, providers } = config;
  return [
    gateway.token,
    channels.telegram.botToken,
    channels.telegram.webhookSecret,
    providers.anthropic.apiKey,
    providers.openai.apiKey,
    providers.openaiCompatible.apiKey,
    ...(providers.anthropic.apiKeys ?? []),
    ...(providers.openai.apiKeys ?? []),
  ].filter((value): value is string => typeof value === "string" && value.length > 0);
}

/** Everything to hide from what a command prints: the environment's secrets and the configured ones. */
export function secretsToHide(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  return [...secretValues(env), ...configSecretValues(config)];
}

/** Whether the dotted key is a secret or lies inside one ("providers.openai.apiKeys[1]" too). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.some(
    (secret) => key === secret || key.startsWith(`${secret}.`) || key.startsWith(`${secret}[`),
  );
}

/** A copy of `value` (found at dotted `key`, "" for the whole config) with every secret inside it masked. */
export function maskSecretsAt(value: unknown, key = ""): unknown {
  if (key && isSecretKey(key)) return value === undefined ? undefined : MASK;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [name, maskSecretsAt(inner, key ? `${key}.${name}` : name)]),
  );
}
