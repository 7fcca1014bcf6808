// Transcripts this process read or wrote lately, kept parsed: a turn in a long session then skips
// reading and parsing its whole JSONL file. Each entry remembers the file size it matches, and a file
// that has another size (another process appended to it) is read again.
import type { TranscriptEntry } from "../../core/transcript.ts";

interface Cached {
  entries: TranscriptEntry[];
  bytes: number;
}

export interface TranscriptCache {
  /** The entries when `bytes` is the size they were cached at; null otherwise. */
  get(sessionId: string, bytes: number): TranscriptEntry[] | null;
  /** Records the entries of a file of `bytes` bytes. */
  set(sessionId: string, entries: TranscriptEntry[], bytes: number): void;
  /** Adds appended entries when the file grew by exactly `added` bytes to `bytes`; else forgets it. */
  appended(sessionId: string, entries: TranscriptEntry[], added: number, bytes: number): void;
  forget(sessionId: string): void;
}

/**
 * A least-recently-used cache bounded by the total size of the cached files.
 * Contract: get returns a fresh array each time; the entry objects are shared and must not be mutated.
 */
export function createTranscriptCache(maxBytes = 32 * 1024 * 1024): TranscriptCache {
  const cached = new Map<string, Cached>();
  let total = 0;

  const drop = (sessionId: string) => {
    const old = cached.get(sessionId);
    if (!old) return;
    total -= old.bytes;
    cached.delete(sessionId);
  };
  const put = (sessionId: string, value: Cached) => {
    drop(sessionId);
    if (value.bytes > maxBytes) return;
    cached.set(sessionId, value);
    total += value.bytes;
    for (const [oldest] of cached) {
      if (total <= maxBytes) break;
      drop(oldest);
    }
  };

  return {
    get(sessionId, bytes) {
      const hit = cached.get(sessionId);
      if (!hit || hit.bytes !== bytes) return null;
      // Most recently used goes last.
      cached.delete(sessionId);
      cached.set(sessionId, hit);
      return hit.entries.slice();
    },
    set(sessionId, entries, bytes) {
      put(sessionId, { entries, bytes });
    },
    appended(sessionId, entries, added, bytes) {
      const hit = cached.get(sessionId);
      if (!hit || hit.bytes + added !== bytes) return drop(sessionId);
      put(sessionId, { entries: [...hit.entries, ...entries], bytes });
    },
    forget: drop,
  };
}
