// Prices: refs of every provider find their model's price, config wins, unknown models have none.
import { describe, expect, it } from "vitest";
import { estimateCost, findPrice, priceKey } from "./prices.ts";

describe("prices", () => {
  it("finds one model's price under its Anthropic, Bedrock and dated ids", () => {
    expect(priceKey("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe(
      "claude-sonnet-4-5-20250929-v1:0",
    );
    const direct = findPrice("anthropic/claude-sonnet-4-5");
    expect(findPrice("bedrock/global.anthropic.claude-sonnet-4-5-20250929-v1:0")).toEqual(direct);
    expect(direct).toMatchObject({ input: 3, output: 15 });
    // The longest prefix wins: Opus 4.5 is not priced as Opus 4.
    expect(findPrice("anthropic/claude-opus-4-5")?.input).toBe(5);
    expect(findPrice("anthropic/claude-opus-4-1")?.input).toBe(15);
    expect(findPrice("openai/gpt-5-mini")?.input).toBe(0.25);
    expect(findPrice("bedrock/amazon.nova-lite-v1:0")?.output).toBe(0.24);
  });

  it("takes config's prices first, by full ref or prefix, and has none for local models", () => {
    expect(findPrice("ollama/llama3.2")).toBeUndefined();
    const overrides = {
      "ollama/llama3.2": { input: 0, output: 0 },
      "claude-sonnet-4": { input: 2, output: 10 },
    };
    expect(findPrice("ollama/llama3.2", overrides)).toEqual({ input: 0, output: 0 });
    expect(findPrice("anthropic/claude-sonnet-4-5", overrides)).toEqual({ input: 2, output: 10 });
  });

  it("prices cache reads and writes apart from the rest of the input", () => {
    const tokens = {
      inputTokens: 3_000_000,
      outputTokens: 1_000_000,
      cacheReadTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
    };
    expect(estimateCost(tokens, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 })).toBeCloseTo(
      22.05,
      10,
    );
    expect(estimateCost(tokens, { input: 1, output: 2 })).toBeCloseTo(5, 10);
  });
});
