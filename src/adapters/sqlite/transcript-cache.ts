// Transcripts this process read or wrote lately, kept parsed: a turn in a long session then skips
// reading and parsing its file. Each entry remembers the file size it matches, and a file that has
// another size (another process appended to it) is read again. The budget counts the memory the
// parsed entries take (estimated), which is up to several times their JSONL bytes.
import type { TranscriptEntry } from "../../core/transcript.ts";
import { visibleStart } from "../../core/transcript-repair.ts";
import { estimateParsedBytes } from "./parsed-size.ts";

/**
 * The default budget: about 16,000 entries of a few sentences, a handful of long conversations. A
 * transcript that misses costs a turn one read and parse of its end (about 0.3 ms per 100 KB).
 */
export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;

interface Cached {
  entries: TranscriptEntry[];
  /** The size of the file the entries match. */
  bytes: number;
  /** Whether the entries are the whole file, or only its end from the last compaction's kept entries on. */
  whole: boolean;
  /** Estimated memory of the entries. */
  memory: number;
}

export interface TranscriptCache {
  /**
   * The entries when `bytes` is the size they were cached at; null otherwise. With `whole`, all of a
   * cached whole file; without, the entries from the last compaction on (what a turn needs).
   */
  get(sessionId: string, bytes: number, options?: { whole?: boolean }): TranscriptEntry[] | null;
  /**
   * Records the entries of a file of `bytes` bytes: all of it (`whole`, the default) or its end.
   * The cache keeps the array itself and appends to it: the caller must not use it afterwards.
   */
  set(sessionId: string, entries: TranscriptEntry[], bytes: number, whole?: boolean): void;
  /**
   * Adds appended entries when the file grew by exactly `added` bytes to `bytes`; else forgets it.
   * An appended compaction drops the cached entries the model no longer sees.
   */
  appended(sessionId: string, entries: TranscriptEntry[], added: number, bytes: number): void;
  forget(sessionId: string): void;
  /** Estimated memory of everything cached. */
  readonly memory: number;
}

// The entries array's own header and one slot per entry.
const LIST = 48;
const SLOT = 8;
/** The entries' estimated memory, their slots in a list included. */
const entriesMemory = (entries: TranscriptEntry[]) =>
  entries.reduce((sum, entry) => sum + SLOT + estimateParsedBytes(entry), 0);

/**
 * A least-recently-used cache bounded by the estimated memory of what it holds.
 * Contract: get returns a fresh array each time; the entry objects are shared and must not be mutated.
 */
export function createTranscriptCache(maxMemory = DEFAULT_CACHE_BYTES): TranscriptCache {
  const cached = new Map<string, Cached>();
  let total = 0;

  const drop = (sessionId: string) => {
    const old = cached.get(sessionId);
    if (!old) return;
    total -= old.memory;
    cached.delete(sessionId);
  };
  const put = (sessionId: string, value: Cached) => {
    drop(sessionId);
    if (value.memory > maxMemory) return;
    cached.set(sessionId, value);
    total += value.memory;
    for (const [oldest] of cached) {
      if (total <= maxMemory) break;
      drop(oldest);
    }
  };

  return {
    get(sessionId, bytes, options) {
      const hit = cached.get(sessionId);
      if (!hit || hit.bytes !== bytes || (options?.whole && !hit.whole)) return null;
      // Most recently used goes last.
      cached.delete(sessionId);
      cached.set(sessionId, hit);
      return options?.whole ? hit.entries.slice() : hit.entries.slice(visibleStart(hit.entries));
    },
    set(sessionId, entries, bytes, whole = true) {
      put(sessionId, { entries, bytes, whole, memory: LIST + entriesMemory(entries) });
    },
    appended(sessionId, entries, added, bytes) {
      const hit = cached.get(sessionId);
      if (!hit || hit.bytes + added !== bytes) return drop(sessionId);
      // The cache owns its array (get hands out copies), so appending in place is safe.
      const all = hit.entries;
      all.push(...entries);
      if (entries.some((e) => e.type === "compaction")) {
        const kept = all.slice(visibleStart(all));
        const whole = hit.whole && kept.length === all.length;
        return put(sessionId, { entries: kept, bytes, whole, memory: LIST + entriesMemory(kept) });
      }
      put(sessionId, { entries: all, bytes, whole: hit.whole, memory: hit.memory + entriesMemory(entries) });
    },
    forget: drop,
    get memory() {
      return total;
    },
  };
}
