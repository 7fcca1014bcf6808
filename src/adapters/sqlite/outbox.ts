// The outbox in SQLite: INSERT OR IGNORE makes the first outcome for a message the only one.
import type { DatabaseSync } from "node:sqlite";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import { groupCommit } from "./group-commit.ts";

type Row = Record<string, unknown>;

function toRecord(row: Row | undefined): OutboxRecord | null {
  if (!row) return null;
  const record: OutboxRecord = {
    key: String(row["key"]),
    sessionKey: String(row["session_key"]),
    status: row["status"] === "failed" ? "failed" : "done",
    reply: String(row["reply"]),
    usage: { inputTokens: Number(row["input_tokens"]), outputTokens: Number(row["output_tokens"]) },
    createdAt: Number(row["created_at"]),
  };
  if (row["delivered_at"] !== null && row["delivered_at"] !== undefined) {
    record.deliveredAt = Number(row["delivered_at"]);
  }
  if (typeof row["deliver_to"] === "string") record.deliverTo = JSON.parse(row["deliver_to"]);
  return record;
}

export function createSqliteOutbox({ db }: { db: DatabaseSync }): Outbox {
  const durably = groupCommit(db);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO outbox
       (key, session_key, status, reply, input_tokens, output_tokens, created_at, deliver_to)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byKey = db.prepare("SELECT * FROM outbox WHERE key = ?");
  const deliver = db.prepare("UPDATE outbox SET delivered_at = ? WHERE key = ? AND delivered_at IS NULL");
  const pending = db.prepare(
    "SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY created_at, key LIMIT ?",
  );
  return {
    async put(record) {
      const { key, sessionKey, status, reply, usage, createdAt, deliverTo } = record;
      const to = deliverTo ? JSON.stringify(deliverTo) : null;
      return durably(() => {
        insert.run(key, sessionKey, status, reply, usage.inputTokens, usage.outputTokens, createdAt, to);
        return toRecord(byKey.get(key) as Row)!;
      });
    },
    async get(key) {
      return toRecord(byKey.get(key) as Row | undefined);
    },
    async markDelivered(key, at) {
      deliver.run(at, key);
    },
    async undelivered(limit) {
      return (pending.all(limit) as Row[]).map((row) => toRecord(row)!);
    },
  };
}
