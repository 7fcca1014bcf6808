// Sessions for the local engine: the index in state.db, transcripts as append-only JSONL files
// `<dir>/<sessionId>.jsonl`, fsynced per append and read tolerant of a torn last line; a turn reads
// only the end it needs (from the last compaction on), and recently used transcripts stay parsed in
// memory, within a budget, while their file keeps the size they match.
import { randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { TokenUsage, TranscriptEntry } from "../../core/transcript.ts";
import type { Clock } from "../../ports/clock.ts";
import type { SessionMeta, SessionStore } from "../../ports/session-store.ts";
import { createLineAppender } from "../../util/line-appender.ts";
import { ensurePrivateDir } from "../../util/private-files.ts";
import { inTransaction, withRelaxedSync } from "./db.ts";
import { groupCommit } from "./group-commit.ts";
import { createTranscriptCache } from "./transcript-cache.ts";
import { parseTranscriptLines } from "./transcript-lines.ts";
import { readTranscriptTail, type TranscriptTail } from "./transcript-tail.ts";

export interface SqliteSessionStoreOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  /** The transcripts folder (created when missing), e.g. ~/.agent-claw/sessions. */
  dir: string;
  clock: Clock;
  /** Makes session ids; default crypto.randomUUID. Ids must match [A-Za-z0-9_-][A-Za-z0-9._-]*. */
  newId?: () => string;
  /**
   * Told when load skipped lines that are not JSON objects (damage other than a torn tail): the file
   * and the 1-based numbers of the lines. Contract: must not throw.
   */
  onCorruptLines?: (info: { sessionId: string; file: string; lines: number[] }) => void;
}

// Session ids name files: no separators, no leading dot, nothing that could climb out of dir.
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

const COLUMNS = "key, session_id, created_at, updated_at, turns, input_tokens, output_tokens";

function toMeta(row: Record<string, unknown> | undefined): SessionMeta | null {
  if (!row) return null;
  return {
    key: String(row["key"]),
    sessionId: String(row["session_id"]),
    createdAt: Number(row["created_at"]),
    updatedAt: Number(row["updated_at"]),
    turns: Number(row["turns"]),
    usage: { inputTokens: Number(row["input_tokens"]), outputTokens: Number(row["output_tokens"]) },
  };
}

/** The whole file as a tail that starts at 0. */
function wholeFile(file: string): TranscriptTail {
  const bytes = readFileSync(file);
  return { text: bytes.toString("utf8"), start: 0, size: bytes.length };
}

/** How many lines the file holds before byte `offset`. */
function linesBefore(file: string, offset: number): number {
  const head = readFileSync(file).subarray(0, offset);
  let lines = 0;
  for (let at = head.indexOf(0x0a); at >= 0; at = head.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

/** Filesystem-safe form of a Clock time for reset file names: 2026-11-22T09-00-00.000Z. */
const stamp = (ms: number) => new Date(ms).toISOString().replaceAll(":", "-");

/**
 * A SessionStore over the `sessions` and `session_archive` tables and JSONL transcripts.
 * `reset` renames the old transcript to `<oldId>.jsonl.reset.<time>` (kept for people, never
 * loaded) and records it in session_archive; `forget` deletes the current and all archived files.
 */
export function createSqliteSessionStore(options: SqliteSessionStoreOptions): SessionStore {
  const { db, dir, clock, newId = randomUUID, onCorruptLines } = options;
  ensurePrivateDir(dir);
  const cache = createTranscriptCache();
  const durably = groupCommit(db);
  /** The file's size now; -1 when it does not exist. */
  const sizeOf = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? -1;
  const insert = db.prepare(
    `INSERT INTO sessions (key, session_id, created_at, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO NOTHING`,
  );
  const byKey = db.prepare(`SELECT ${COLUMNS} FROM sessions WHERE key = ?`);
  const all = db.prepare(`SELECT ${COLUMNS} FROM sessions ORDER BY updated_at DESC, rowid DESC`);
  const record = db.prepare(
    `UPDATE sessions SET turns = turns + 1, input_tokens = input_tokens + ?,
       output_tokens = output_tokens + ?, updated_at = ? WHERE key = ? RETURNING ${COLUMNS}`,
  );
  const restart = db.prepare(
    `UPDATE sessions SET session_id = ?, created_at = ?, updated_at = ?, turns = 0, input_tokens = 0,
       output_tokens = 0 WHERE key = ? RETURNING ${COLUMNS}`,
  );
  const archive = db.prepare("INSERT INTO session_archive (session_id, key, archived_at) VALUES (?, ?, ?)");
  const archived = db.prepare("SELECT session_id FROM session_archive WHERE key = ?");
  const archivedAt = db.prepare("SELECT archived_at FROM session_archive WHERE session_id = ?");
  const historyOf = db.prepare(
    "SELECT session_id, archived_at FROM session_archive WHERE key = ? ORDER BY archived_at, session_id",
  );
  const dropArchive = db.prepare("DELETE FROM session_archive WHERE key = ?");
  const drop = db.prepare("DELETE FROM sessions WHERE key = ?");

  const fileOf = (sessionId: string) => join(dir, `${sessionId}.jsonl`);
  const freshId = () => {
    const id = newId();
    if (!SAFE_ID.test(id)) throw new Error(`session-store: newId() gave an unsafe id ${JSON.stringify(id)}`);
    return id;
  };
  const append = createLineAppender();

  /**
   * A transcript a reset retired, read from its renamed file (or its plain name, when the process died
   * between the commit and the rename); [] when the id is not archived. Rare reads: never cached.
   */
  function loadArchived(sessionId: string): TranscriptEntry[] {
    const row = archivedAt.get(sessionId);
    if (!row) return [];
    const renamed = `${fileOf(sessionId)}.reset.${stamp(Number(row["archived_at"]))}`;
    for (const file of [renamed, fileOf(sessionId)]) {
      try {
        return parseTranscriptLines(readFileSync(file, "utf8")).entries;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    return [];
  }

  async function deleteTranscripts(sessionIds: string[]): Promise<void> {
    const names = await readdir(dir).catch(() => [] as string[]);
    const ours = (name: string) =>
      sessionIds.some((id) => name === `${id}.jsonl` || name.startsWith(`${id}.jsonl.reset.`));
    for (const name of names.filter(ours)) await rm(join(dir, name), { force: true });
    for (const id of sessionIds) {
      append.forget(fileOf(id));
      cache.forget(id);
    }
  }

  return {
    async open(key) {
      const existing = toMeta(byKey.get(key));
      if (existing) return existing;
      const now = clock.now();
      // DO NOTHING on conflict: a racing open (or process) that inserted first wins, and we read it.
      // Group-committed: many new sessions at once (a burst of new chats) share one fsync.
      return durably(() => {
        insert.run(key, freshId(), now, now);
        return toMeta(byKey.get(key))!;
      });
    },

    async get(key) {
      return toMeta(byKey.get(key));
    },

    async list() {
      return all.all().map((row) => toMeta(row)!);
    },

    async recordTurn(key, usage: TokenUsage) {
      // Turn counters are not worth an fsync of their own (it was a quarter of a turn's overhead).
      return withRelaxedSync(db, () =>
        toMeta(record.get(usage.inputTokens, usage.outputTokens, clock.now(), key)),
      );
    },

    async reset(key, resetOptions) {
      if (resetOptions?.forget) {
        const gone = inTransaction(db, () => {
          const current = toMeta(byKey.get(key));
          if (!current) return null;
          const ids = [current.sessionId, ...archived.all(key).map((r) => String(r["session_id"]))];
          dropArchive.run(key);
          drop.run(key);
          return ids;
        });
        if (gone) await deleteTranscripts(gone);
        return null;
      }
      const now = clock.now();
      const swapped = inTransaction(db, () => {
        const current = toMeta(byKey.get(key));
        if (!current) return null;
        archive.run(current.sessionId, key, now);
        return { old: current.sessionId, fresh: toMeta(restart.get(freshId(), now, now, key))! };
      });
      if (!swapped) return null;
      // After the commit: a crash here leaves the old file under its plain name, still archived.
      const old = fileOf(swapped.old);
      await rename(old, `${old}.reset.${stamp(now)}`).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      append.forget(old);
      cache.forget(swapped.old);
      return swapped.fresh;
    },

    async history(key) {
      return historyOf.all(key).map((row) => ({
        sessionId: String(row["session_id"]),
        endedAt: Number(row["archived_at"]),
      }));
    },

    async append(sessionId, entries, appendOptions) {
      if (!SAFE_ID.test(sessionId))
        throw new Error(`session-store: invalid session id ${JSON.stringify(sessionId)}`);
      if (entries.length === 0) return;
      let data = "";
      for (const entry of entries) data += `${JSON.stringify(entry)}\n`;
      const file = fileOf(sessionId);
      try {
        await append(file, data, appendOptions);
      } catch (error) {
        cache.forget(sessionId);
        throw error;
      }
      cache.appended(sessionId, entries, Buffer.byteLength(data), sizeOf(file));
    },

    async sync(sessionId) {
      if (SAFE_ID.test(sessionId)) await append.sync(fileOf(sessionId));
    },

    async load(sessionId, loadOptions) {
      if (!SAFE_ID.test(sessionId)) return [];
      const file = fileOf(sessionId);
      const recent = loadOptions?.sinceCompaction === true;
      const hit = cache.get(sessionId, sizeOf(file), { whole: !recent });
      if (hit) return hit;
      let read: TranscriptTail;
      try {
        // Synchronous reads: cheaper than the thread pool's round trips, even for 10,000 entries.
        read = recent ? readTranscriptTail(file) : wholeFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return loadArchived(sessionId);
        throw error;
      }
      const { entries, damaged } = parseTranscriptLines(read.text);
      if (damaged.length > 0) {
        // Line numbers count from the top of the file, also when only its end was read (rare: damage).
        const before = read.start > 0 ? linesBefore(file, read.start) : 0;
        onCorruptLines?.({ sessionId, file, lines: damaged.map((n) => n + before) });
      }
      cache.set(sessionId, entries, read.size, read.start === 0);
      return entries.slice();
    },
  };
}
