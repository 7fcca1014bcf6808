// Sessions: an index of session keys to transcripts, and the append-only transcripts themselves.
import type { TokenUsage, TranscriptEntry } from "../core/transcript.ts";

/** What the index knows of one session. */
export interface SessionMeta {
  /** The routing key, e.g. "agent:main:main" or "agent:main:telegram:dm:42". */
  key: string;
  /** The current transcript; a reset starts a new one under the same key. */
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  /** Turns completed in the current transcript. */
  turns: number;
  /** Tokens used in the current transcript. */
  usage: TokenUsage;
}

/** A transcript a reset retired: no longer the session's, kept for people and memory. */
export interface ArchivedTranscript {
  sessionId: string;
  endedAt?: number;
}

/**
 * Session index and transcripts. Implemented in adapters/sqlite (SQLite index + JSONL files) and
 * adapters/dynamodb.
 */
export interface SessionStore {
  /** Contract: the session for key, created with a fresh sessionId when missing; concurrent calls agree. */
  open(key: string): Promise<SessionMeta>;
  /** Contract: null when the key is unknown. */
  get(key: string): Promise<SessionMeta | null>;
  /** Contract: every session, most recently updated first. */
  list(): Promise<SessionMeta[]>;
  /** Contract: records a finished turn: adds usage, counts the turn, sets updatedAt; null for an unknown key. */
  recordTurn(key: string, usage: TokenUsage): Promise<SessionMeta | null>;
  /**
   * Contract: gives the key a new empty transcript (the old one is kept, no longer loaded) and zeroes
   * its counters; with `forget`, removes the key and its transcripts instead.
   */
  reset(key: string, options?: { forget?: boolean }): Promise<SessionMeta | null>;
  /**
   * Contract: the transcripts resets left behind for key (daily, idle, /new), oldest first, each still
   * readable with load; endedAt is when its reset happened, where the adapter knows it; [] when none.
   */
  history(key: string): Promise<ArchivedTranscript[]>;
  /**
   * Contract: durable once resolved; entries are appended in order; a crash mid-append loses at most
   * that call. With `sync: false` the entries are written (load sees them, they survive the process)
   * but may be lost in a power cut until a later synced append or sync().
   */
  append(sessionId: string, entries: TranscriptEntry[], options?: { sync?: boolean }): Promise<void>;
  /** Contract: every entry appended to the transcript so far is durable once resolved. */
  sync(sessionId: string): Promise<void>;
  /**
   * Contract: every complete entry in order; a torn last line is dropped, never thrown; [] for unknown ids.
   * With `sinceCompaction` (what a turn needs), the adapter may leave out entries before the last
   * compaction's first kept entry: the result is a suffix of the whole whose visibleEntries() are the same.
   */
  load(sessionId: string, options?: { sinceCompaction?: boolean }): Promise<TranscriptEntry[]>;
}
