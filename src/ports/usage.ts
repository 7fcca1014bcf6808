// What the model calls cost: one record per call (tokens, cache tokens, estimated dollars), kept so
// `agent-claw usage`, the Usage page and the daily limits can add them up. state.db locally, DynamoDB on AWS.

/** Why a model call was made: a person's turn, or one of the assistant's own (silent) calls. */
export type UsageKind = "turn" | "heartbeat" | "cron" | "hook" | "flush" | "compaction";

export const USAGE_KINDS: readonly UsageKind[] = ["turn", "heartbeat", "cron", "hook", "flush", "compaction"];

/** One model call. Token counts are what the provider reported; cache tokens are 0 where it reports none. */
export interface UsageRecord {
  /** When the call finished, in Clock milliseconds. */
  at: number;
  sessionKey: string;
  /** The model reference that answered ("anthropic/claude-sonnet-4-5"). */
  model: string;
  kind: UsageKind;
  /** All input tokens, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (part of inputTokens). */
  cacheReadTokens: number;
  /** Input tokens written to the provider's prompt cache (part of inputTokens). */
  cacheWriteTokens: number;
  /** Estimated from the price table; undefined when the model has no known price (a local model). */
  costUsd?: number;
}

/** A sum of records. costUsd adds the priced ones only; unpriced counts the calls without a price. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  unpriced: number;
}

/**
 * The usage ledger. Implemented by adapters/sqlite/usage.ts and adapters/dynamodb/usage.ts.
 * Ranges are half-open: a record counts when from <= at < to.
 */
export interface UsageLedger {
  /** Contract: durable once it resolves; two records with the same fields are two calls, both kept. */
  record(record: UsageRecord): Promise<void>;
  /** Contract: every record in [from, to), oldest first, as recorded (costUsd absent stays absent). */
  list(from: number, to: number): Promise<UsageRecord[]>;
  /**
   * Contract: the sum of list(from, to). Runs before every model call when a daily limit is set: SQLite
   * sums with one indexed query; DynamoDB reads the day's items (one query per UTC day touched).
   */
  total(from: number, to: number): Promise<UsageTotals>;
}

export const EMPTY_TOTALS: UsageTotals = {
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
  unpriced: 0,
};

/** Adds one record to a running sum (a new object; `sum` is not changed). */
export function addUsage(sum: UsageTotals, record: UsageRecord): UsageTotals {
  return {
    calls: sum.calls + 1,
    inputTokens: sum.inputTokens + record.inputTokens,
    outputTokens: sum.outputTokens + record.outputTokens,
    cacheReadTokens: sum.cacheReadTokens + record.cacheReadTokens,
    cacheWriteTokens: sum.cacheWriteTokens + record.cacheWriteTokens,
    costUsd: sum.costUsd + (record.costUsd ?? 0),
    unpriced: sum.unpriced + (record.costUsd === undefined ? 1 : 0),
  };
}
