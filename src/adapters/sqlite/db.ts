// Opens the local engine's one state.db (sessions, queue, claims) and migrates its schema.
// Tables are prefixed by the adapter that owns them, so more adapters can share the file later.
import { DatabaseSync } from "node:sqlite";
import { createPrivateFile, makePrivate } from "../../util/private-files.ts";
import { corruptionOf, DamagedStateError, databaseFiles } from "./damaged-state.ts";

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Append new entries; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- claims: idempotency keys (claimOnce) and leases live in separate tables, so a key used for
  -- both purposes does not collide.
  CREATE TABLE claim_keys (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX claim_keys_expires ON claim_keys (expires_at);
  CREATE TABLE claim_leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- queue: one row per unacked message. seq gives enqueue order (and head-of-group position).
  -- A message is in flight while receipt IS NOT NULL AND visible_at > now.
  CREATE TABLE queue_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    grp TEXT NOT NULL,
    dedupe_id TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    visible_at INTEGER NOT NULL,
    receipt TEXT,
    enqueued_at INTEGER NOT NULL
  );
  CREATE INDEX queue_messages_group ON queue_messages (queue, grp, seq);
  CREATE INDEX queue_messages_receipt ON queue_messages (receipt) WHERE receipt IS NOT NULL;
  -- dedupe ids outlive their message (5 minutes from enqueue, acked or not).
  CREATE TABLE queue_dedupe (
    queue TEXT NOT NULL,
    dedupe_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue, dedupe_id)
  ) WITHOUT ROWID;
  CREATE INDEX queue_dedupe_expires ON queue_dedupe (expires_at);

  -- sessions: the index; transcripts are JSONL files named by session_id.
  CREATE TABLE sessions (
    key TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    turns INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_updated ON sessions (updated_at);
  -- transcripts a reset retired, so that forgetting a key can delete them too.
  CREATE TABLE session_archive (
    session_id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    archived_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX session_archive_key ON session_archive (key);
  `,
  // 2: the outbox, one outcome per accepted message.
  `
  CREATE TABLE outbox (
    key TEXT PRIMARY KEY,
    session_key TEXT NOT NULL,
    status TEXT NOT NULL,
    reply TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX outbox_undelivered ON outbox (created_at) WHERE delivered_at IS NULL;
  `,
  // 3: where a channel delivers an outcome (JSON), so a restart can still deliver it.
  `
  ALTER TABLE outbox ADD COLUMN deliver_to TEXT;
  `,
  // 4: pairing: senders waiting for the owner's approval (one per sender, code unique per channel),
  // and the senders approved. rowid orders requests made in the same millisecond.
  `
  CREATE TABLE pairing_requests (
    channel TEXT NOT NULL,
    code TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (channel, code),
    UNIQUE (channel, sender_id)
  );
  CREATE TABLE allowed_senders (
    channel TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (channel, sender_id)
  ) WITHOUT ROWID;
  `,
  // 5: the scheduler: cron jobs (JSON body; the due time and enabled flag as columns for the
  // timer's index), their run history, and system events waiting for the heartbeat.
  `
  CREATE TABLE cron_jobs (
    id TEXT NOT NULL UNIQUE,
    enabled INTEGER NOT NULL,
    next_run_at INTEGER,
    body TEXT NOT NULL
  );
  CREATE INDEX cron_jobs_due ON cron_jobs (next_run_at) WHERE enabled = 1 AND next_run_at IS NOT NULL;
  CREATE TABLE cron_runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX cron_runs_job ON cron_runs (job_id, seq);
  CREATE TABLE system_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    session_key TEXT NOT NULL,
    text TEXT NOT NULL,
    at INTEGER NOT NULL,
    consumed_at INTEGER
  );
  CREATE INDEX system_events_session ON system_events (session_key, seq) WHERE consumed_at IS NULL;
  `,
  // 6: the cron run that posted a system event (JSON), recorded when the heartbeat relays it.
  `
  ALTER TABLE system_events ADD COLUMN run TEXT;
  `,
  // 7: values: small JSON state by key (the last route, hook jobs accepted); expires_at NULL: kept.
  `
  CREATE TABLE stored_values (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    expires_at INTEGER
  ) WITHOUT ROWID;
  `,
  // 8: usage: one row per model call (tokens, cache tokens, estimated cost; NULL cost: no known price).
  `
  CREATE TABLE usage_calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    session_key TEXT NOT NULL,
    model TEXT NOT NULL,
    kind TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    cost_usd REAL
  );
  CREATE INDEX usage_calls_at ON usage_calls (at);
  `,
];

/** The schema version a fully migrated state.db has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating it and its folder when missing) the state database at `path`, or an in-memory
 * one for ":memory:", in WAL mode with synchronous=FULL, a busy timeout and foreign keys, and
 * brings its schema up to date. Safe to call from several processes at once.
 * FULL, not NORMAL: a message acknowledged to a platform must survive a power cut, not only kill -9.
 * Throws DamagedStateError when SQLite finds the file damaged; with `check`, it also reads every page
 * first (PRAGMA quick_check), so damage is found at start rather than in the middle of a turn.
 */
export function openStateDb(path: string, options: { check?: boolean } = {}): DatabaseSync {
  const created = path !== ":memory:" && createPrivateFile(path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw damagedOr(path, error);
  }
  try {
    // busy_timeout first: switching to WAL takes a lock another process may hold.
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    // SQLite gives -wal and -shm the database's mode; set them anyway, whatever made them.
    if (created) for (const file of databaseFiles(path)) makePrivate(file);
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    if (options.check) {
      const problem = String(db.prepare("PRAGMA quick_check(1)").get()?.["quick_check"] ?? "ok");
      // One line: quick_check's report starts with "*** in database main ***" and a line break.
      const oneLine = problem
        .replace(/\*\*\* in database \w+ \*\*\*/g, "")
        .replace(/\s+/g, " ")
        .trim();
      if (problem !== "ok") throw new DamagedStateError(path, oneLine);
    }
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw damagedOr(path, error);
  }
}

function damagedOr(path: string, error: unknown): unknown {
  if (error instanceof DamagedStateError) return error;
  const problem = corruptionOf(error);
  return problem === undefined ? error : new DamagedStateError(path, problem);
}

function userVersion(db: DatabaseSync): number {
  return Number(db.prepare("PRAGMA user_version").get()?.["user_version"] ?? 0);
}

function migrate(db: DatabaseSync): void {
  if (userVersion(db) >= SCHEMA_VERSION) return;
  inTransaction(db, () => {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const from = userVersion(db);
    if (from > SCHEMA_VERSION) return;
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

/**
 * Runs `fn` inside BEGIN IMMEDIATE ... COMMIT (taking the write lock up front, so concurrent
 * writers in other processes queue on busy_timeout instead of failing on upgrade), rolling back
 * when it throws. `fn` must be synchronous.
 */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // SQLite already rolled back (e.g. after SQLITE_FULL); the original error is what matters.
    }
    throw error;
  }
}

/**
 * Runs `fn` with its commits not fsynced (synchronous=NORMAL), for writes that are safe to lose in
 * a power cut because a later synced commit or a redelivery makes up for them (turn counters, queue
 * leases and acks: a lost ack only redelivers a message whose outcome the outbox already holds).
 * In WAL mode they still survive a crash of the process, and become durable with the next synced
 * commit. `fn` must be synchronous.
 */
export function withRelaxedSync<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("PRAGMA synchronous = NORMAL");
  try {
    return fn();
  } finally {
    db.exec("PRAGMA synchronous = FULL");
  }
}
