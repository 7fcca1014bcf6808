// What the gateway container does before the CLI starts: spread the secret ECS injected (one JSON object)
// under the environment, seed config.json on the EFS home from AGENT_CLAW_CONFIG on the first boot, and pin
// the config keys the stack decides (the port its health check calls; with a load balancer, the bind
// address, the public name and Telegram's webhook).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { resolvePaths } from "../../src/config/paths.ts";

/** The variable ECS fills with the whole secret (fargate-stack.ts). */
export const SECRETS_JSON_VARIABLE = "AGENT_CLAW_SECRETS_JSON";
/** Set by the stack when a load balancer serves https://<domain>: Telegram then uses the webhook. */
export const PUBLIC_URL_VARIABLE = "AGENT_CLAW_GATEWAY_PUBLIC_URL";
/** The port the image exposes and the health checks call. */
export const CONTAINER_PORT = 18_789;

const secretsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string());

/**
 * Spreads the secret's variables under `env` (a variable the task sets itself wins) and removes the JSON,
 * so commands the agent runs do not get it in one piece. Contract: throws an Error saying what to fix,
 * never quoting the secret.
 */
export function mergeSecrets(env: NodeJS.ProcessEnv): void {
  const text = env[SECRETS_JSON_VARIABLE]?.trim();
  delete env[SECRETS_JSON_VARIABLE];
  if (!text) return;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(
      `The deployment's secret is not valid JSON. Put a JSON object of environment variables in it (agent-claw deploy aws does), then restart the service.`,
    );
  }
  const parsed = secretsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `The deployment's secret must hold a JSON object of environment variable names to string values (like {"TELEGRAM_BOT_TOKEN": "..."}). Fix it, then restart the service.`,
    );
  }
  for (const [name, value] of Object.entries(parsed.data)) {
    if (!env[name]?.trim()) env[name] = value;
  }
}

/**
 * Writes config.json when the home has none and AGENT_CLAW_CONFIG holds one (the first boot), then sets
 * the keys the stack owns. The user's other keys, and changes the gateway made, are kept.
 * Contract: throws an Error naming the file when it is not a JSON object.
 */
export function prepareConfig(env: NodeJS.ProcessEnv): void {
  const { configFile } = resolvePaths(env);
  const seed = env["AGENT_CLAW_CONFIG"]?.trim();
  let config: Record<string, unknown> = {};
  if (existsSync(configFile)) config = readObject(readFileSync(configFile, "utf8"), configFile);
  else if (seed) config = readObject(seed, "AGENT_CLAW_CONFIG");
  const before = JSON.stringify(config);
  const gateway = object(config, "gateway");
  gateway["port"] = CONTAINER_PORT;
  const publicUrl = env[PUBLIC_URL_VARIABLE]?.trim();
  if (publicUrl) {
    const host = new URL(publicUrl).hostname;
    // The load balancer reaches the task from outside it; the gateway then requires its token.
    gateway["bind"] = "0.0.0.0";
    const hosts = Array.isArray(gateway["allowedHosts"]) ? (gateway["allowedHosts"] as unknown[]) : [];
    if (!hosts.includes(host)) gateway["allowedHosts"] = [...hosts, host];
    const telegram = object(object(config, "channels"), "telegram");
    telegram["mode"] = "webhook";
    telegram["webhookUrl"] = `${publicUrl.replace(/\/+$/, "")}/telegram/webhook`;
  }
  if (JSON.stringify(config) === before && existsSync(configFile)) return;
  mkdirSync(dirname(configFile), { recursive: true });
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

function readObject(text: string, source: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON: fix it (or remove it to start from AGENT_CLAW_CONFIG).`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`${source} must hold a JSON object ({ ... }).`);
  }
  return raw as Record<string, unknown>;
}

/** The object at `key`, made when absent (a non-object there is replaced: the stack owns these keys). */
function object(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (value !== null && typeof value === "object" && !Array.isArray(value))
    return value as Record<string, unknown>;
  const made: Record<string, unknown> = {};
  parent[key] = made;
  return made;
}
