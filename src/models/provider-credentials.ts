// The API keys a hosted provider (Anthropic, OpenAI) may be called with, in the order failover tries
// them: ANTHROPIC_API_KEY, ANTHROPIC_API_KEY_2, _3... from the environment, else providers.<name>.apiKey
// and apiKeys from config.json. Keys are named by position ("anthropic key #2"), never by value.
import { createHash } from "node:crypto";
import type { Config } from "../config/schema.ts";
import { ModelSetupError } from "../core/agent/model-call-error.ts";

/** One key of a provider, as failover sees it. */
export interface ProviderCredential {
  apiKey: string;
  /** For logs and status: "anthropic key #2". Never contains the key. */
  label: string;
  /**
   * Names the key in cooldown records: a short hash, so a replaced key starts without the old one's
   * cooldown and the stored record says nothing usable about the key.
   */
  id: string;
}

/** The hosted providers that take several keys, with their environment variable and config entry. */
export const MULTI_KEY_PROVIDERS = {
  anthropic: { variable: "ANTHROPIC_API_KEY", config: "anthropic" },
  openai: { variable: "OPENAI_API_KEY", config: "openai" },
} as const;

export type MultiKeyProvider = keyof typeof MULTI_KEY_PROVIDERS;

/**
 * The keys in `VAR`, `VAR_2`, `VAR_3`... Contract: throws ModelSetupError naming the variable when the
 * numbering has a gap, starts at `_1`, or a numbered key is set without `VAR` (a key would be ignored).
 */
export function keysFromEnv(variable: string, env: NodeJS.ProcessEnv): string[] {
  const first = env[variable]?.trim();
  const numbered = new Map<number, string>();
  const pattern = new RegExp(`^${variable}_(\\d+)$`);
  for (const [name, value] of Object.entries(env)) {
    const match = pattern.exec(name);
    if (!match || !value?.trim()) continue;
    const n = Number(match[1]);
    if (n < 2 || String(n) !== match[1]) {
      throw new ModelSetupError(
        `${name} is not a name failover reads`,
        `The first key is ${variable}, further ones ${variable}_2, ${variable}_3 and so on; rename ${name}.`,
      );
    }
    numbered.set(n, value.trim());
  }
  if (numbered.size === 0) return first ? [first] : [];
  const highest = Math.max(...numbered.keys());
  if (!first) {
    throw new ModelSetupError(
      `${variable}_${Math.min(...numbered.keys())} is set but ${variable} is not`,
      `Put the first key in ${variable}; ${variable}_2 and up hold the further ones.`,
    );
  }
  const keys = [first];
  for (let n = 2; n <= highest; n++) {
    const key = numbered.get(n);
    if (key === undefined) {
      throw new ModelSetupError(
        `${variable}_${highest} is set but ${variable}_${n} is not`,
        `Number the keys without gaps (${variable}, ${variable}_2, ${variable}_3...).`,
      );
    }
    keys.push(key);
  }
  return keys;
}

/**
 * The provider's keys in failover order: the environment's when it sets any (they replace config's, as a
 * single variable always did), else config's apiKey then apiKeys. Duplicates count once. [] when none is set.
 */
export function providerCredentials(
  provider: MultiKeyProvider,
  config: Config,
  env: NodeJS.ProcessEnv,
): ProviderCredential[] {
  const names = MULTI_KEY_PROVIDERS[provider];
  const fromEnv = keysFromEnv(names.variable, env);
  const configured = config.providers[names.config];
  const keys = fromEnv.length > 0 ? fromEnv : [configured.apiKey, ...(configured.apiKeys ?? [])];
  const unique = [...new Set(keys.filter((key): key is string => typeof key === "string" && key !== ""))];
  return unique.map((apiKey, index) => ({
    apiKey,
    label: `${provider} key #${index + 1}`,
    id: `${provider}:${createHash("sha256").update(apiKey).digest("hex").slice(0, 12)}`,
  }));
}
