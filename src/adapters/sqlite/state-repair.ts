// `doctor --repair` for a damaged state.db: keep the damaged files aside, build a fresh database,
// copy every row that still reads, and rebuild the session index from the transcripts in sessions/.
import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { databaseFiles } from "./damaged-state.ts";
import { inTransaction, openStateDb } from "./db.ts";
import { parseTranscriptLines } from "./transcript-lines.ts";

export interface TableOutcome {
  table: string;
  kept: number;
  /** Rows that could not be read; undefined when the damage hides how many there were. */
  lost: number | undefined;
}

export interface StateRepairReport {
  /** Where the damaged state.db now is (its -wal and -shm beside it, same name plus suffix). */
  damagedCopy: string;
  tables: TableOutcome[];
  /** Sessions put back into the index from their transcripts. */
  sessionsRebuilt: number;
  /** Transcripts whose chat could not be worked out: kept in sessions/, not in the index. */
  orphanTranscripts: string[];
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** Filesystem-safe form of a time: 2026-11-22T09-00-00.000Z. */
const stamp = (ms: number) => new Date(ms).toISOString().replaceAll(":", "-");

/**
 * Repairs the state database at `path`. Contract: call only while no gateway or command has it
 * open; the damaged files are renamed, never deleted.
 */
export function repairStateDb(path: string, sessionsDir: string, now: number): StateRepairReport {
  const damagedCopy = `${path}.damaged-${stamp(now)}`;
  const [db, wal, shm] = databaseFiles(path);
  const [copyDb, copyWal, copyShm] = databaseFiles(damagedCopy);
  renameSync(db!, copyDb!);
  if (existsSync(wal!)) renameSync(wal!, copyWal!);
  if (existsSync(shm!)) renameSync(shm!, copyShm!);

  const fresh = openStateDb(path);
  try {
    const tables = copyReadableRows(fresh, damagedCopy);
    const rebuilt = rebuildSessionIndex(fresh, sessionsDir);
    return { damagedCopy, tables, ...rebuilt };
  } finally {
    fresh.close();
  }
}

/** Copies, table by table, the rows the damaged copy still yields into the fresh database. */
function copyReadableRows(fresh: DatabaseSync, damagedCopy: string): TableOutcome[] {
  const tables = fresh
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((row) => String(row["name"]));
  let old: DatabaseSync | undefined;
  try {
    old = new DatabaseSync(damagedCopy);
    old.exec("PRAGMA query_only = ON");
  } catch {
    old = undefined;
  }
  try {
    return tables.map((table) => (old ? copyTable(fresh, old, table) : { table, kept: 0, lost: undefined }));
  } finally {
    old?.close();
  }
}

function copyTable(fresh: DatabaseSync, old: DatabaseSync, table: string): TableOutcome {
  let columns: string[];
  let total: number | undefined;
  try {
    const oldColumns = new Set(
      old
        .prepare(`PRAGMA table_info(${quote(table)})`)
        .all()
        .map((c) => String(c["name"])),
    );
    // Only the columns both have: the damaged file may be from an older schema version.
    columns = fresh
      .prepare(`PRAGMA table_info(${quote(table)})`)
      .all()
      .map((c) => String(c["name"]))
      .filter((name) => oldColumns.has(name));
    if (columns.length === 0) return { table, kept: 0, lost: undefined };
  } catch {
    return { table, kept: 0, lost: undefined };
  }
  try {
    total = Number(old.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get()?.["n"]);
  } catch {
    total = undefined;
  }
  const list = columns.map(quote).join(", ");
  const insert = fresh.prepare(
    `INSERT OR IGNORE INTO ${quote(table)} (${list}) VALUES (${columns.map(() => "?").join(", ")})`,
  );
  const order = primaryKeyOrder(old, table);
  let kept = 0;
  let complete = false;
  inTransaction(fresh, () => {
    // Forward until the first unreadable page; then backward, which reaches the rows beyond it.
    for (const direction of order ? ["ASC", "DESC"] : ["ASC"]) {
      const by = order ? ` ORDER BY ${order.map((c) => `${c} ${direction}`).join(", ")}` : "";
      try {
        for (const row of old.prepare(`SELECT ${list} FROM ${quote(table)}${by}`).iterate()) {
          const values = columns.map((c) => row[c] as null | number | bigint | string | Uint8Array);
          kept += Number(insert.run(...values).changes);
        }
        complete = direction === "ASC";
        break;
      } catch {
        // Damaged from here on in this direction.
      }
    }
  });
  const lost = total !== undefined ? Math.max(0, total - kept) : complete ? 0 : undefined;
  return { table, kept, lost };
}

/** The columns that order a table's b-tree (rowid, or a WITHOUT ROWID table's primary key). */
function primaryKeyOrder(old: DatabaseSync, table: string): string[] | undefined {
  try {
    const info = old.prepare(`PRAGMA table_info(${quote(table)})`).all();
    const withoutRowid = /WITHOUT\s+ROWID/i.test(
      String(old.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(table)?.["sql"] ?? ""),
    );
    if (!withoutRowid) return ["rowid"];
    return info
      .filter((c) => Number(c["pk"]) > 0)
      .sort((a, b) => Number(a["pk"]) - Number(b["pk"]))
      .map((c) => quote(String(c["name"])));
  } catch {
    return undefined;
  }
}

/**
 * Puts transcripts missing from the index back into it. A transcript names no chat, but its turns
 * name the messages they answered, and the outbox knows each message's session; the newest
 * transcript per session wins. Counters are summed from the transcript.
 */
function rebuildSessionIndex(fresh: DatabaseSync, sessionsDir: string) {
  const names = existsSync(sessionsDir) ? readdirSync(sessionsDir).filter((n) => n.endsWith(".jsonl")) : [];
  const indexed = new Set(
    fresh
      .prepare("SELECT session_id FROM sessions")
      .all()
      .map((row) => String(row["session_id"])),
  );
  const keyOfMessage = fresh.prepare("SELECT session_key FROM outbox WHERE key = ?");
  const keyTaken = fresh.prepare("SELECT 1 FROM sessions WHERE key = ?");
  const found = new Map<
    string,
    { sessionId: string; first: number; last: number; turns: number; input: number; output: number }
  >();
  const orphanTranscripts: string[] = [];
  for (const name of names) {
    const sessionId = name.slice(0, -".jsonl".length);
    if (indexed.has(sessionId)) continue;
    const { entries } = parseTranscriptLines(readFileSync(join(sessionsDir, name), "utf8"));
    let key: string | undefined;
    let turns = 0;
    let input = 0;
    let output = 0;
    for (const entry of entries) {
      if (entry.type !== "message") continue;
      for (const id of entry.turn ?? []) key ??= keyOfMessage.get(id)?.["session_key"] as string | undefined;
      if (entry.message?.role === "user") turns++;
      input += entry.usage?.inputTokens ?? 0;
      output += entry.usage?.outputTokens ?? 0;
    }
    const first = entries[0]?.at ?? 0;
    const last = entries.at(-1)?.at ?? 0;
    const known = key === undefined ? undefined : found.get(key);
    if (key === undefined || keyTaken.get(key)) {
      orphanTranscripts.push(name);
    } else if (known && known.last >= last) {
      orphanTranscripts.push(name);
    } else {
      if (known) orphanTranscripts.push(`${known.sessionId}.jsonl`);
      found.set(key, { sessionId, first, last, turns, input, output });
    }
  }
  const insert = fresh.prepare(
    `INSERT INTO sessions (key, session_id, created_at, updated_at, turns, input_tokens, output_tokens)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  inTransaction(fresh, () => {
    for (const [key, s] of found) insert.run(key, s.sessionId, s.first, s.last, s.turns, s.input, s.output);
  });
  return { sessionsRebuilt: found.size, orphanTranscripts: orphanTranscripts.sort() };
}
