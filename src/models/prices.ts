// What a model's tokens cost, in US dollars per million tokens, for the common Anthropic, OpenAI and
// Bedrock models; config `models.prices` adds or overrides entries. Used to estimate, not to bill.
import type { UsageRecord } from "../ports/usage.ts";

/** $/Mtok. cacheRead/cacheWrite default to input when a provider has no separate price. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

// Anthropic: cache writes (5 minutes) cost 1.25x input, reads 0.1x. OpenAI: cached input as listed.
// Keys are model-id prefixes, matched longest first after the id is normalised (see priceKey).
const anthropic = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheRead: input * 0.1,
  cacheWrite: input * 1.25,
});

export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-4-5": anthropic(5, 25),
  "claude-opus-4-6": anthropic(5, 25),
  "claude-opus-4": anthropic(15, 75),
  "claude-3-opus": anthropic(15, 75),
  "claude-sonnet-4": anthropic(3, 15),
  "claude-3-7-sonnet": anthropic(3, 15),
  "claude-3-5-sonnet": anthropic(3, 15),
  "claude-haiku-4-5": anthropic(1, 5),
  "claude-3-5-haiku": anthropic(0.8, 4),
  "claude-3-haiku": anthropic(0.25, 1.25),
  "gpt-5-nano": { input: 0.05, output: 0.4, cacheRead: 0.005 },
  "gpt-5-mini": { input: 0.25, output: 2, cacheRead: 0.025 },
  "gpt-5": { input: 1.25, output: 10, cacheRead: 0.125 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cacheRead: 0.025 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cacheRead: 0.1 },
  "gpt-4.1": { input: 2, output: 8, cacheRead: 0.5 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cacheRead: 0.075 },
  "gpt-4o": { input: 2.5, output: 10, cacheRead: 1.25 },
  "o4-mini": { input: 1.1, output: 4.4, cacheRead: 0.275 },
  "o3-mini": { input: 1.1, output: 4.4, cacheRead: 0.55 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  "nova-premier": { input: 2.5, output: 12.5 },
  "nova-pro": { input: 0.8, output: 3.2, cacheRead: 0.2 },
  "nova-lite": { input: 0.06, output: 0.24, cacheRead: 0.015 },
  "nova-micro": { input: 0.035, output: 0.14, cacheRead: 0.00875 },
};

/**
 * The part of a model reference prices are keyed by: "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0"
 * and "anthropic/claude-sonnet-4-5" both give "claude-sonnet-4-5" (region and vendor prefixes dropped).
 */
export function priceKey(modelRef: string): string {
  const id = modelRef.slice(modelRef.indexOf("/") + 1).toLowerCase();
  return id.replace(/^(us|eu|apac|jp|au|global)\./, "").replace(/^(anthropic|amazon|openai)\./, "");
}

/**
 * The price of a model: an exact config entry (full ref or key) first, then the longest prefix of the
 * key in config, then in the defaults. Undefined: no known price (local models, unknown ones).
 */
export function findPrice(
  modelRef: string,
  overrides: Readonly<Record<string, ModelPrice>> = {},
): ModelPrice | undefined {
  const exact = overrides[modelRef];
  if (exact) return exact;
  const key = priceKey(modelRef);
  for (const table of [overrides, DEFAULT_PRICES]) {
    let best: string | undefined;
    for (const prefix of Object.keys(table)) {
      if (key.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
    }
    if (best !== undefined) return table[best];
  }
  return undefined;
}

type Tokens = Pick<UsageRecord, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens">;

/** Estimated dollars for one call's tokens; cache tokens are part of inputTokens and priced apart. */
export function estimateCost(tokens: Tokens, price: ModelPrice): number {
  const uncached = Math.max(0, tokens.inputTokens - tokens.cacheReadTokens - tokens.cacheWriteTokens);
  const perToken =
    uncached * price.input +
    tokens.cacheReadTokens * (price.cacheRead ?? price.input) +
    tokens.cacheWriteTokens * (price.cacheWrite ?? price.input) +
    tokens.outputTokens * price.output;
  return perToken / 1_000_000;
}
