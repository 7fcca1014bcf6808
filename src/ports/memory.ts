// Memory: what the assistant can recall beyond the conversation in front of it. Notes are the workspace's
// Markdown (MEMORY.md, memory/YYYY-MM-DD.md, other notes) and past conversations; on AWS also the long-term
// records AgentCore Memory extracts from them. The local adapter is an SQLite FTS5 index (BM25, with
// embeddings when configured); the AWS adapter is AgentCore Memory merged with a search of the S3 notes.

/** Where a hit comes from. */
export type MemorySource = "note" | "transcript" | "record";

/** One thing found, with what memory_get (or a person) needs to read more of it. */
export interface MemoryHit {
  source: MemorySource;
  /**
   * note: the workspace path ("memory/2026-12-07.md"); transcript: the session key it was said in;
   * record: the namespace the record was extracted into.
   */
  ref: string;
  /** note: the snippet's first and last line in the file, 1-based. */
  lines?: { from: number; to: number };
  /** record: the record's id; transcript: the entry's id. */
  id?: string;
  /** The matching text, short enough to show the model several (a few hundred characters). */
  snippet: string;
  /** Higher is better; comparable only within one search's hits. */
  score: number;
  /** When it was written or last changed (Clock milliseconds), when known. */
  at?: number;
}

/** How many hits a search returns when the request names no limit. */
export const DEFAULT_MEMORY_HITS = 8;

export interface MemorySearchRequest {
  /** Words as a person types them; not a query language (quotes and operators are taken as words). */
  query: string;
  /** At most this many hits (default DEFAULT_MEMORY_HITS). */
  limit?: number;
  /**
   * The person the search is for ("telegram:1001"): records are kept per person, and one person's are
   * never returned to another. Absent: the owner.
   */
  actor?: string;
}

/** A finished turn as memory keeps it: the words exchanged, not the tool calls. */
export interface MemoryTurn {
  sessionKey: string;
  /** The person the turn answered ("telegram:1001"), or "owner". */
  actor: string;
  /** The transcript the turn is in (a session reset starts a new one under the same key). */
  sessionId: string;
  messages: Array<{ role: "user" | "assistant"; text: string }>;
  at: number;
  /**
   * An internal turn (heartbeat, memory flush, compaction) whose words are not the person's: kept for
   * the record but never mined for long-term facts (AgentCore Memory: extraction skipped).
   */
  internal?: boolean;
}

export interface MemoryIndexReport {
  /** Notes and transcripts (re)indexed because they were new or changed. */
  indexed: number;
  /** Entries dropped because their note or transcript is gone. */
  removed: number;
  unchanged: number;
}

export interface MemoryStatus {
  /** "local (SQLite FTS5)", "AgentCore Memory <id> + S3 notes"... */
  backend: string;
  notes: number;
  transcripts: number;
  /** Extracted long-term records, where the backend has them. */
  records?: number;
  /** The embedding model combined with BM25, when configured. */
  embeddings?: string;
  /** When the index was last brought up to date (Clock milliseconds). */
  indexedAt?: number;
}

/**
 * Implemented by adapters/sqlite/memory-index.ts (local) and adapters/agentcore/memory.ts (AWS).
 * Contract (src/ports/memory.contract.ts): a note written to the workspace is found by a search after
 * index() (the local adapter also without it: searches see changed notes); a removed note is no longer found;
 * a recorded turn's words are found; one actor's records are never returned for another.
 */
export interface Memory {
  search(request: MemorySearchRequest): Promise<MemoryHit[]>;
  /** Contract: durable once resolved; a turn recorded twice (same sessionId and at) is kept once. */
  recordTurn(turn: MemoryTurn): Promise<void>;
  /**
   * Brings the index up to date with the workspace and the transcripts; `full` rebuilds it.
   * `onProgress` hears how many notes and transcripts of how many have been looked at (now and then).
   */
  index(options?: {
    full?: boolean;
    onProgress?: (done: number, total: number) => void;
  }): Promise<MemoryIndexReport>;
  status(): Promise<MemoryStatus>;
  /** Contract: releases files and connections; safe to call twice. */
  close(): Promise<void>;
}
