// Reads config.json, validates it, and applies environment overrides. Reading never writes.
import { readFile } from "node:fs/promises";
import { ConfigError, configErrorFrom } from "./errors.ts";
import type { Paths } from "./paths.ts";
import { type Config, configSchema, modelRefSchema, telegramSchema } from "./schema.ts";

/** Parses JSON text, reporting a syntax error with its line and column. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    let where = "";
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split("\n").length;
      const column = before.length - before.lastIndexOf("\n");
      where = ` at line ${line}, column ${column}`;
    }
    throw new ConfigError(
      `${file} is not valid JSON${where}: ${message}. Fix the file, or delete it to start over.`,
    );
  }
}

/** The raw JSON object in the config file, {} when there is none. */
export async function readRawConfig(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  if (text.trim() === "") return {};
  const raw = parseJsonFile(text, file);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(
      `${file} must hold a JSON object ({ ... }), not ${Array.isArray(raw) ? "an array" : typeof raw}.`,
    );
  }
  return raw as Record<string, unknown>;
}

/** Validates a raw config object; `source` names it in error messages. */
export function validateConfig(raw: unknown, source: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw configErrorFrom(source, result.error, raw);
  return result.data;
}

/** Environment variables that override config keys. */
export function applyEnvOverrides(config: Config, env: NodeJS.ProcessEnv): Config {
  let out = config;
  const model = env.AGENT_CLAW_MODEL?.trim();
  if (model) {
    const parsed = modelRefSchema.safeParse(model);
    if (!parsed.success) {
      throw new ConfigError(
        `AGENT_CLAW_MODEL=${JSON.stringify(model)} is not valid: expected ${parsed.error.issues[0]?.message}, e.g. "anthropic/claude-sonnet-4-5".`,
      );
    }
    out = { ...out, model: parsed.data };
  }
  const telegram: Record<string, string> = {};
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  if (token) telegram["botToken"] = token;
  const apiRoot = env.TELEGRAM_API_ROOT?.trim();
  if (apiRoot) telegram["apiRoot"] = apiRoot;
  if (Object.keys(telegram).length > 0) {
    const merged = { ...out.channels.telegram, ...telegram };
    const parsed = telegramSchema.safeParse(merged);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const name = issue.path[0] === "botToken" ? "TELEGRAM_BOT_TOKEN" : "TELEGRAM_API_ROOT";
      throw new ConfigError(`${name} is not valid: expected ${issue.message}.`);
    }
    out = { ...out, channels: { ...out.channels, telegram: parsed.data } };
  }
  return out;
}

/** The effective config: file, defaults, then environment overrides. */
export async function loadConfig(paths: Paths, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const raw = await readRawConfig(paths.configFile);
  return applyEnvOverrides(validateConfig(raw, paths.configFile), env);
}
