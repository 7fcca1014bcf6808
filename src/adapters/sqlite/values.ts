// Values on SQLite: one row per key in state.db's stored_values table, shared by every process that
// opens the file. Expiry is judged by the injected Clock; expired rows are swept now and then.
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../ports/clock.ts";
import type { Values } from "../../ports/values.ts";

export interface SqliteValuesOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  clock: Clock;
}

/** Expired rows are deleted once every this many puts. */
const SWEEP_EVERY = 256;

export function createSqliteValues({ db, clock }: SqliteValuesOptions): Values {
  const select = db.prepare(
    "SELECT body FROM stored_values WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
  );
  const upsert = db.prepare(
    `INSERT INTO stored_values (key, body, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET body = excluded.body, expires_at = excluded.expires_at`,
  );
  // Replaces only an expired row: the upsert's WHERE leaves a live one untouched (no change counted).
  const insertIfAbsent = db.prepare(
    `INSERT INTO stored_values (key, body, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET body = excluded.body, expires_at = excluded.expires_at
     WHERE stored_values.expires_at IS NOT NULL AND stored_values.expires_at <= ?`,
  );
  const remove = db.prepare("DELETE FROM stored_values WHERE key = ?");
  const sweep = db.prepare("DELETE FROM stored_values WHERE expires_at IS NOT NULL AND expires_at <= ?");
  let puts = 0;
  return {
    async get<T>(key: string) {
      const row = select.get(key, clock.now());
      return row === undefined ? undefined : (JSON.parse(String(row["body"])) as T);
    },
    async put(key, value, options = {}) {
      const now = clock.now();
      if (++puts % SWEEP_EVERY === 0) sweep.run(now);
      upsert.run(key, JSON.stringify(value), options.ttlMs === undefined ? null : now + options.ttlMs);
    },
    async putIfAbsent(key, value, options = {}) {
      const now = clock.now();
      const until = options.ttlMs === undefined ? null : now + options.ttlMs;
      return Number(insertIfAbsent.run(key, JSON.stringify(value), until, now).changes) === 1;
    },
    async remove(key) {
      remove.run(key);
    },
  };
}
