// The usage ledger on SQLite: one row per model call in state.db's usage_calls table, summed by SQL
// over the index on `at`, so the daily-limit check before each call reads no rows it does not add.
import type { DatabaseSync } from "node:sqlite";
import { withRelaxedSync } from "./db.ts";
import type { UsageKind, UsageLedger, UsageRecord } from "../../ports/usage.ts";

export function createSqliteUsage({ db }: { db: DatabaseSync }): UsageLedger {
  const insert = db.prepare(
    `INSERT INTO usage_calls (at, session_key, model, kind, input_tokens, output_tokens,
       cache_read_tokens, cache_write_tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare("SELECT * FROM usage_calls WHERE at >= ? AND at < ? ORDER BY at, seq");
  const sum = db.prepare(
    `SELECT count(*) AS calls, total(input_tokens) AS input, total(output_tokens) AS output,
       total(cache_read_tokens) AS cache_read, total(cache_write_tokens) AS cache_write,
       total(cost_usd) AS cost, count(*) - count(cost_usd) AS unpriced
     FROM usage_calls WHERE at >= ? AND at < ?`,
  );
  return {
    async record(r) {
      // Not fsynced on its own (an fsync blocks the event loop ~4 ms per call): it survives a killed
      // process (WAL) and is made durable by the turn's own synced commit that follows it.
      withRelaxedSync(db, () =>
        insert.run(
          r.at,
          r.sessionKey,
          r.model,
          r.kind,
          r.inputTokens,
          r.outputTokens,
          r.cacheReadTokens,
          r.cacheWriteTokens,
          r.costUsd ?? null,
        ),
      );
    },
    async list(from, to) {
      return select.all(from, to).map((row): UsageRecord => {
        const cost = row["cost_usd"];
        return {
          at: Number(row["at"]),
          sessionKey: String(row["session_key"]),
          model: String(row["model"]),
          kind: String(row["kind"]) as UsageKind,
          inputTokens: Number(row["input_tokens"]),
          outputTokens: Number(row["output_tokens"]),
          cacheReadTokens: Number(row["cache_read_tokens"]),
          cacheWriteTokens: Number(row["cache_write_tokens"]),
          ...(cost !== null && cost !== undefined && { costUsd: Number(cost) }),
        };
      });
    },
    async total(from, to) {
      const row = sum.get(from, to)!;
      return {
        calls: Number(row["calls"]),
        inputTokens: Number(row["input"]),
        outputTokens: Number(row["output"]),
        cacheReadTokens: Number(row["cache_read"]),
        cacheWriteTokens: Number(row["cache_write"]),
        costUsd: Number(row["cost"]),
        unpriced: Number(row["unpriced"]),
      };
    },
  };
}
