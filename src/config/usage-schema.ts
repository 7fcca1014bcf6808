// Config for cost: model prices that add to or override src/models/prices.ts, and daily limits that
// stop model calls before they are made.
import { z } from "zod";

const dollarsPerMtok = z.number().min(0).max(10_000);

export const modelPriceSchema = z
  .object({
    input: dollarsPerMtok.describe("US dollars per million input tokens."),
    output: dollarsPerMtok.describe("US dollars per million output tokens."),
    cacheRead: dollarsPerMtok
      .optional()
      .describe("Per million tokens read from the prompt cache (default: input)."),
    cacheWrite: dollarsPerMtok
      .optional()
      .describe("Per million tokens written to the prompt cache (default: input)."),
  })
  .strict();

export const modelsSchema = z
  .object({
    prices: z
      .record(z.string().min(1), modelPriceSchema)
      .default({})
      .describe(
        'Prices by model reference ("openai-compatible/qwen3") or model-id prefix ("claude-sonnet-4"); they win over the built-in table.',
      ),
  })
  .strict();

export const limitsSchema = z
  .object({
    dailyUsd: z
      .number()
      .positive()
      .max(100_000)
      .optional()
      .describe(
        "Estimated US dollars the assistant may spend per day (in its time zone); calls stop when reached.",
      ),
    dailyTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Input plus output tokens the assistant may use per day; calls stop when reached."),
  })
  .strict();

export type LimitsConfig = z.infer<typeof limitsSchema>;
