// The local Memory: an SQLite FTS5 index (BM25) in memory.db over the workspace's Markdown notes and
// the conversations' turns, with embeddings fused in when a model is configured. Searches keep it
// current: notes the agent wrote are re-read at once, others by a stat walk (see refreshNotes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isIndexedNote } from "../../core/memory/indexed-notes.ts";
import { chunkNote, chunkSearchText } from "../../core/memory/note-chunks.ts";
import { queryWords } from "../../core/memory/query-words.ts";
import { transcriptTurns, turnText } from "../../core/memory/transcript-turns.ts";
import type { Clock } from "../../ports/clock.ts";
import {
  DEFAULT_MEMORY_HITS,
  type Memory,
  type MemoryHit,
  type MemoryIndexReport,
  type MemorySearchRequest,
  type MemoryStatus,
  type MemoryTurn,
} from "../../ports/memory.ts";
import type { SessionStore } from "../../ports/session-store.ts";
import { type MarkdownFile, statMarkdown, walkMarkdown } from "../fs/markdown-files.ts";
import { inTransaction } from "./db.ts";
import { openMemoryDb } from "./memory-db.ts";
import { createMemoryVectors, type MemoryEmbedder } from "./memory-vectors.ts";
import { actorOfSessionKey } from "../../core/memory/session-actor.ts";

export type { MemoryEmbedder } from "./memory-vectors.ts";

export interface SqliteMemoryOptions {
  /** memory.db (created when missing), or ":memory:". */
  path: string;
  /** The workspace folder whose Markdown is indexed. */
  root: string;
  clock: Clock;
  /** Transcripts to read turns from on index(), and to find a recorded turn's entries in. */
  sessions?: SessionStore;
  /** Embeds pieces and queries for hybrid ranking; absent: BM25 alone. */
  embedder?: MemoryEmbedder;
  /** Told when a search fell back to BM25 because embedding failed. Contract: must not throw. */
  warn?: (message: string) => void;
  /**
   * Before each search the folder is walked for changed notes while it holds at most `eagerNotes`
   * (default 500: ~3 ms); a bigger one at most every `rescanMs` (default 30 s) of Clock time.
   */
  eagerNotes?: number;
  rescanMs?: number;
}

/** The local Memory, plus what the local engine tells it. */
export interface SqliteMemory extends Memory {
  /** Marks a workspace note as written or removed just now: the next search re-reads it. */
  noteChanged(path: string): void;
}

/** A word in more than this share of all pieces (and more than COMMON_MIN of them) is common. */
const COMMON_SHARE = 0.1;
const COMMON_MIN = 50;
/** index() reports progress after this many notes or transcripts. */
const PROGRESS_EVERY = 200;
/** Hits are cut to about this many characters around the match. */
const SNIPPET_TOKENS = 40;

export function createSqliteMemory(options: SqliteMemoryOptions): SqliteMemory {
  const { root, clock, sessions, embedder } = options;
  const rescanMs = options.rescanMs ?? 30_000;
  const eagerNotes = options.eagerNotes ?? 500;
  const db = openMemoryDb(options.path);
  const vectors = embedder ? createMemoryVectors(db, embedder) : undefined;
  const dirty = new Set<string>();
  let lastWalkAt = Number.NEGATIVE_INFINITY;
  let lastWalkNotes = 0;
  let closed = false;

  const q = {
    noteRows: db.prepare("SELECT path, size, mtime_ms FROM notes"),
    note: db.prepare("SELECT size, mtime_ms FROM notes WHERE path = ?"),
    putNote: db.prepare(
      "INSERT INTO notes (path, size, mtime_ms) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms",
    ),
    dropNote: db.prepare("DELETE FROM notes WHERE path = ?"),
    dropChunks: db.prepare("DELETE FROM chunks WHERE kind = 'note' AND ref = ?"),
    addNoteChunk: db.prepare(
      "INSERT INTO chunks (kind, ref, line_from, line_to, at, text) VALUES ('note', ?, ?, ?, ?, ?)",
    ),
    addTurn: db.prepare(
      `INSERT INTO chunks (kind, ref, actor, session_id, entry_id, turn_key, internal, at, text)
       VALUES ('turn', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (turn_key) DO NOTHING`,
    ),
    covered: db.prepare("SELECT covered_at FROM transcripts WHERE session_id = ?"),
    cover: db.prepare(
      `INSERT INTO transcripts (session_id, session_key, covered_at) VALUES (?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET covered_at = max(covered_at, excluded.covered_at)`,
    ),
    // The best `?` matches by BM25 first, then only those joined and filtered: ranking in FTS5 alone
    // costs a third of ranking the join (4 ms instead of 12 ms for 4,500 matches).
    ranked: db.prepare(
      `SELECT c.id, c.kind, c.ref, c.line_from, c.line_to, c.entry_id, c.at, f.rank
       FROM (SELECT rowid, bm25(chunks_fts) AS rank FROM chunks_fts WHERE chunks_fts MATCH ?
             ORDER BY rank LIMIT ?) f
       JOIN chunks c ON c.id = f.rowid
       WHERE c.kind = 'note' OR (c.actor = ? AND c.internal = 0)
       ORDER BY f.rank LIMIT ?`,
    ),
    // Every match ranked: when the person's own few hits are not among the best of everyone's.
    search: db.prepare(
      `SELECT c.id, c.kind, c.ref, c.line_from, c.line_to, c.entry_id, c.at, bm25(chunks_fts) AS rank
       FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
       WHERE chunks_fts MATCH ? AND (c.kind = 'note' OR (c.actor = ? AND c.internal = 0))
       ORDER BY rank LIMIT ?`,
    ),
    // CAST: node:sqlite binds a JS number as REAL, and FTS5 then ignores the rowid and gives another row's.
    snippet: db.prepare(
      `SELECT snippet(chunks_fts, 0, '', '', '…', ${SNIPPET_TOKENS}) AS snip FROM chunks_fts
       WHERE chunks_fts MATCH ? AND rowid = CAST(? AS INTEGER)`,
    ),
    counts: db.prepare(
      `SELECT (SELECT count(*) FROM notes) AS notes,
              (SELECT count(DISTINCT session_id) FROM chunks WHERE kind = 'turn') AS transcripts`,
    ),
    byId: db.prepare(
      `SELECT id, kind, ref, line_from, line_to, entry_id, at, substr(text, 1, 300) AS snip, 0 AS rank
       FROM chunks WHERE id = ?`,
    ),
    // Counting stops past `?` (the common-word cap): a word in most pieces costs no more than that.
    frequency: db.prepare(
      "SELECT count(*) AS n FROM (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
    ),
    total: db.prepare("SELECT count(*) AS n FROM chunks"),
    getMeta: db.prepare("SELECT value FROM memory_meta WHERE key = ?"),
    setMeta: db.prepare(
      "INSERT INTO memory_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
  };

  // Bumped by every write, so cached document frequencies are recounted after the index changes.
  let generation = 0;
  const transaction = <T>(fn: () => T): T => {
    generation++;
    return inTransaction(db, fn);
  };

  /** Re-reads one note (or drops it when gone); true when its entries changed. */
  const syncNote = (
    path: string,
    seen: MarkdownFile | null,
    /** What the index holds for it (null: nothing); looked up when not given. */
    given?: { size: number; mtime_ms: number } | null,
  ): boolean => {
    const known =
      given === undefined ? (q.note.get(path) as { size: number; mtime_ms: number } | undefined) : given;
    if (!seen) {
      if (!known) return false;
      transaction(() => {
        q.dropChunks.run(path);
        q.dropNote.run(path);
      });
      return true;
    }
    if (known && known.size === seen.size && known.mtime_ms === seen.mtimeMs) return false;
    let text: string;
    try {
      text = readFileSync(join(root, ...path.split("/")), "utf8");
    } catch {
      return syncNote(path, null); // removed between the stat and the read
    }
    if (text.includes("\0")) text = ""; // binary under a .md name: remembered as empty
    transaction(() => {
      q.dropChunks.run(path);
      for (const chunk of chunkNote(text)) {
        q.addNoteChunk.run(path, chunk.from, chunk.to, seen.mtimeMs, chunkSearchText(chunk));
      }
      q.putNote.run(path, seen.size, seen.mtimeMs);
    });
    return true;
  };

  /** Brings every note up to date with the folder; counts what changed. */
  const walkNotes = (
    report: MemoryIndexReport,
    progress?: (done: number, total: number) => void,
    extra = 0,
  ) => {
    const found = walkMarkdown(root);
    // One read of what is indexed, compared in memory: a walk of 10,000 unchanged notes makes no query.
    const known = new Map(
      (q.noteRows.all() as Array<{ path: string; size: number; mtime_ms: number }>).map((row) => [
        row.path,
        row,
      ]),
    );
    for (const path of known.keys()) {
      if (!found.has(path) && syncNote(path, null, known.get(path))) report.removed++;
    }
    let done = 0;
    for (const [path, seen] of found) {
      if (syncNote(path, seen, known.get(path) ?? null)) report.indexed++;
      else report.unchanged++;
      if (++done % PROGRESS_EVERY === 0) progress?.(done, found.size + extra);
    }
    dirty.clear();
    lastWalkNotes = found.size;
    lastWalkAt = clock.now();
  };

  /**
   * Before a search: notes marked dirty are re-read; then a walk when it is cheap (few notes) or
   * `rescanMs` has passed, so edits made outside the agent's tools are seen too. Counted, not timed,
   * so that one slow disk moment does not change the pacing. Not fs.watch: a recursive watch of
   * 10,000 notes took 1.5 s to start and ~50 MB here (Node watches every file on Linux).
   */
  const refreshNotes = () => {
    const report = { indexed: 0, removed: 0, unchanged: 0 };
    for (const path of dirty) syncNote(path, statMarkdown(root, path));
    dirty.clear();
    if (lastWalkNotes <= eagerNotes || clock.now() - lastWalkAt >= rescanMs) walkNotes(report);
  };

  /**
   * Reads the turns of a transcript written after what was read before. Turns never read get
   * `actor` when given (a recorded turn) for the last of them, else the actor their session key names
   * (core/memory/session-actor.ts: never the owner for a group's or a person's). Returns how many were added.
   */
  const readTranscript = async (
    sessionId: string,
    sessionKey: string,
    last?: { actor: string; internal?: boolean },
  ): Promise<{ added: number; empty: boolean }> => {
    if (!sessions) return { added: 0, empty: true };
    const row = q.covered.get(sessionId) as { covered_at?: number } | undefined;
    const covered = Number(row?.covered_at ?? -1);
    // A transcript read before needs only its end: what came before its last compaction was read then
    // (a turn reads its transcript the same way, so memory costs a long-lived session no more than a turn).
    const entries = await sessions.load(sessionId, row ? { sinceCompaction: true } : undefined);
    const turns = transcriptTurns(entries).filter((t) => t.at > covered);
    let added = 0;
    transaction(() => {
      turns.forEach((turn, i) => {
        const mine = last && i === turns.length - 1;
        const text = turnText(turn.messages);
        if (!text) return;
        const result = q.addTurn.run(
          sessionKey,
          // A turn not recorded here (a rebuild, a lost row) is filed by its key, never as the owner's by default.
          mine ? last.actor : actorOfSessionKey(sessionKey),
          sessionId,
          turn.id,
          `${sessionId}#${turn.id}`,
          turn.internal || (mine && last.internal) ? 1 : 0,
          turn.at,
          text,
        );
        added += Number(result.changes);
      });
      const newest = turns.at(-1)?.at;
      if (newest !== undefined) q.cover.run(sessionId, sessionKey, newest);
    });
    return { added, empty: entries.length === 0 };
  };

  /** The best `pool` rows `actor` may see; every match is ranked only when others' hits crowd theirs out. */
  const keywordRows = (match: string, actor: string, pool: number) => {
    const inner = Math.max(200, pool * 10);
    const best = q.ranked.all(match, inner, actor, pool) as Array<Record<string, unknown>>;
    if (best.length >= pool) return best;
    return q.search.all(match, actor, pool) as Array<Record<string, unknown>>;
  };

  const frequencies = new Map<string, number>();
  let counted = { generation: -1, total: 0 };
  /**
   * The FTS5 query for `words`, or undefined when none occurs. Each word is quoted (FTS5 reads it as a
   * plain term) and OR-ed, so BM25 ranks partial matches lower. Words in more than a tenth of the
   * pieces ("the", "my", a name in every daily note) add little to BM25's ranking but make it score
   * thousands of rows: they are left out while rarer words remain; a query of only such words needs
   * them all (AND). Measured over 10,000 notes: this keeps p95 under 20 ms (bench/memory.ts).
   */
  const selective = (words: string[]): string | undefined => {
    if (counted.generation !== generation) {
      frequencies.clear();
      counted = { generation, total: Number((q.total.get() as { n: number }).n) };
    }
    const quoted = (w: string) => `"${w}"`;
    const cap = Math.max(COMMON_MIN, counted.total * COMMON_SHARE);
    const found = words
      .map((word) => {
        let n = frequencies.get(word);
        if (n === undefined) {
          n = Number((q.frequency.get(quoted(word), Math.floor(cap) + 1) as { n: number }).n);
          frequencies.set(word, n);
        }
        return { word, n };
      })
      .filter((w) => w.n > 0);
    if (found.length === 0) return undefined;
    const rare = found.filter((w) => w.n <= cap);
    if (rare.length > 0) return rare.map((w) => quoted(w.word)).join(" OR ");
    return found.map((w) => quoted(w.word)).join(" AND ");
  };

  const memory: SqliteMemory = {
    noteChanged(path) {
      if (isIndexedNote(path)) dirty.add(path);
    },

    async search(request: MemorySearchRequest): Promise<MemoryHit[]> {
      const words = queryWords(request.query);
      if (words.length === 0) return [];
      refreshNotes();
      const limit = request.limit ?? DEFAULT_MEMORY_HITS;
      const actor = request.actor ?? "owner";
      const match = selective(words);
      // No word occurs anywhere: nothing for BM25, though embeddings may still find something close.
      if (match === undefined && !vectors) return [];
      const pool = vectors ? Math.max(limit * 4, 40) : limit;
      const rows = match === undefined ? [] : keywordRows(match, actor, pool);
      // Snippets for the hits shown only: snippet() over every match would cost more than the ranking.
      const hit = (row: Record<string, unknown>) =>
        toHit({
          ...row,
          snip: (q.snippet.get(match!, Number(row["id"])) as { snip?: string } | undefined)?.snip ?? "",
        });
      if (!vectors) return rows.map(hit);
      const keyword = new Map(rows.map((row) => [Number(row["id"]), row]));
      let fused: Array<{ id: number; score: number }>;
      try {
        await vectors.embedMissing();
        fused = await vectors.fuse(request.query, [...keyword.keys()], actor, limit);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        options.warn?.(`memory search used keywords only: embedding failed (${reason})`);
        return rows.slice(0, limit).map(hit);
      }
      return fused.map(({ id, score }) => {
        const row = keyword.get(id);
        return { ...(row ? hit(row) : toHit(q.byId.get(id)!)), score };
      });
    },

    async recordTurn(turn: MemoryTurn) {
      const { added, empty } = await readTranscript(turn.sessionId, turn.sessionKey, turn);
      if (added > 0 || !empty) return; // the transcript holds it (now or from an earlier call)
      // No transcript to read it from (none wired, or kept elsewhere): keep the words as given.
      const text = turnText(turn.messages);
      if (!text) return;
      transaction(() => {
        q.addTurn.run(
          turn.sessionKey,
          turn.actor,
          turn.sessionId,
          null,
          `${turn.sessionId}@${turn.at}`,
          turn.internal ? 1 : 0,
          turn.at,
          text,
        );
        q.cover.run(turn.sessionId, turn.sessionKey, turn.at);
      });
    },

    async index(options = {}) {
      const report: MemoryIndexReport = { indexed: 0, removed: 0, unchanged: 0 };
      if (options.full) {
        // Notes are read again from scratch. Turns stay: transcripts only grow, and a turn keeps
        // the person it was recorded for, which its transcript does not say.
        transaction(() => {
          db.exec("DELETE FROM chunks WHERE kind = 'note'");
          db.exec("DELETE FROM notes");
        });
        vectors?.reset();
      }
      const transcripts = sessions ? await sessions.list() : [];
      const progress = options.onProgress;
      walkNotes(report, progress, transcripts.length);
      const notes = lastWalkNotes;
      for (const [i, meta] of transcripts.entries()) {
        const { added } = await readTranscript(meta.sessionId, meta.key);
        if (added > 0) report.indexed++;
        else report.unchanged++;
        if ((i + 1) % PROGRESS_EVERY === 0) progress?.(notes + i + 1, notes + transcripts.length);
      }
      progress?.(notes + transcripts.length, notes + transcripts.length);
      await vectors?.embedMissing();
      q.setMeta.run("indexed_at", String(clock.now()));
      return report;
    },

    async status(): Promise<MemoryStatus> {
      const counts = q.counts.get() as { notes: number; transcripts: number };
      const at = (q.getMeta.get("indexed_at") as { value?: string } | undefined)?.value;
      return {
        backend: "local (SQLite FTS5)",
        notes: Number(counts.notes),
        transcripts: Number(counts.transcripts),
        ...(embedder && { embeddings: embedder.model }),
        ...(at !== undefined && { indexedAt: Number(at) }),
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };

  return memory;
}

/** A result row as a hit; BM25 ranks lower-is-better, so the score is its negation. */
function toHit(row: Record<string, unknown>): MemoryHit {
  const note = row["kind"] === "note";
  const entry = row["entry_id"];
  return {
    source: note ? "note" : "transcript",
    ref: String(row["ref"]),
    ...(note && { lines: { from: Number(row["line_from"]), to: Number(row["line_to"]) } }),
    ...(!note && typeof entry === "string" && { id: entry }),
    snippet: String(row["snip"]),
    score: -Number(row["rank"]),
    ...(row["at"] !== null && { at: Number(row["at"]) }),
  };
}
