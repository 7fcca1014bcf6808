// Search over the workspace's Markdown notes for the AWS memory: S3 has no full-text index, so the
// notes are read through the Workspace port, cut into chunks with line ranges and ranked with BM25 in
// memory. A note is read again only when its size, modification time or ETag changed (one listing per search).
import { isIndexedNote, MAX_NOTE_BYTES } from "../../core/memory/indexed-notes.ts";
import type { MemoryHit } from "../../ports/memory.ts";
import type { Workspace, WorkspaceEntry } from "../../ports/workspace.ts";
import { type Bm25Doc, bm25, wordCounts } from "./words.ts";

export interface NoteChunk extends Bm25Doc {
  path: string;
  from: number;
  to: number;
  text: string;
  at: number;
}

interface CachedNote {
  size: number;
  mtimeMs: number;
  etag?: string;
  chunks: NoteChunk[];
}

export interface NoteRefresh {
  indexed: number;
  removed: number;
  unchanged: number;
}

export interface NoteSearch {
  /** Brings the cache up to date with the workspace (`full`: reads every note again). */
  refresh(full?: boolean): Promise<NoteRefresh>;
  /** The best chunks for the query, after a refresh. */
  search(query: string[], limit: number): Promise<MemoryHit[]>;
  /** Notes known after the last refresh. */
  readonly notes: number;
}

/** A chunk is a heading's section or a paragraph, cut again past this many lines. */
const MAX_CHUNK_LINES = 12;
/** Notes read from the workspace at once. */
const READ_BATCH = 32;
/** What the model sees of a chunk. */
const SNIPPET_CHARS = 360;

/** Cuts a note into chunks: a blank line or a heading starts a new one; long runs are cut at MAX_CHUNK_LINES. */
export function chunkNote(path: string, text: string, at: number): NoteChunk[] {
  const lines = text.split(/\r?\n/);
  const chunks: NoteChunk[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start < 0) return;
    const body = lines.slice(start, end).join("\n").trim();
    if (body) {
      const counts = wordCounts(body);
      let length = 0;
      for (const n of counts.values()) length += n;
      chunks.push({ path, from: start + 1, to: end, text: body, at, counts, length });
    }
    start = -1;
  };
  lines.forEach((line, i) => {
    if (line.trim() === "" || /^#{1,6}\s/.test(line)) flush(i);
    if (line.trim() === "") return;
    if (start < 0) start = i;
    else if (i - start >= MAX_CHUNK_LINES) {
      flush(i);
      start = i;
    }
  });
  flush(lines.length);
  return chunks;
}

// The local index's rule: prompt files (SOUL.md...), inbox/, skills/, hidden folders and files over
// 2 MB are not notes. The size comes from the listing: a big file is never read.
const isNote = (entry: WorkspaceEntry) =>
  entry.kind === "file" && entry.size <= MAX_NOTE_BYTES && isIndexedNote(entry.path);

export function createNoteSearch(workspace: Workspace): NoteSearch {
  const cache = new Map<string, CachedNote>();

  const refresh = async (full = false): Promise<NoteRefresh> => {
    const listed = (await workspace.list("", { recursive: true })).filter(isNote);
    const seen = new Set(listed.map((e) => e.path));
    let removed = 0;
    for (const path of [...cache.keys()]) {
      if (!seen.has(path)) {
        cache.delete(path);
        removed++;
      }
    }
    const changed = listed.filter((entry) => {
      const known = cache.get(entry.path);
      // S3's LastModified has whole seconds: the ETag catches a same-size rewrite within one.
      return (
        full ||
        !known ||
        known.size !== entry.size ||
        known.mtimeMs !== entry.mtimeMs ||
        known.etag !== entry.etag
      );
    });
    // Reads in parallel batches: S3 answers each GET in tens of milliseconds, and a cold start reads them all.
    for (let i = 0; i < changed.length; i += READ_BATCH) {
      await Promise.all(
        changed.slice(i, i + READ_BATCH).map(async (entry) => {
          const bytes = await workspace.read(entry.path);
          if (bytes === null) {
            cache.delete(entry.path);
            return;
          }
          const text = new TextDecoder().decode(bytes);
          cache.set(entry.path, {
            size: entry.size,
            mtimeMs: entry.mtimeMs,
            ...(entry.etag && { etag: entry.etag }),
            chunks: chunkNote(entry.path, text, entry.mtimeMs),
          });
        }),
      );
    }
    return { indexed: changed.length, removed, unchanged: listed.length - changed.length };
  };

  return {
    refresh,
    get notes() {
      return cache.size;
    },
    async search(query, limit) {
      await refresh();
      const chunks = [...cache.values()].flatMap((note) => note.chunks);
      const scores = bm25(query, chunks);
      return chunks
        .map((chunk, i) => ({ chunk, score: scores[i]! }))
        .filter((hit) => hit.score > 0)
        .sort(
          (a, b) =>
            b.score - a.score || a.chunk.path.localeCompare(b.chunk.path) || a.chunk.from - b.chunk.from,
        )
        .slice(0, limit)
        .map(({ chunk, score }) => ({
          source: "note" as const,
          ref: chunk.path,
          lines: { from: chunk.from, to: chunk.to },
          snippet:
            chunk.text.length > SNIPPET_CHARS ? `${chunk.text.slice(0, SNIPPET_CHARS - 1)}…` : chunk.text,
          score,
          ...(chunk.at > 0 && { at: chunk.at }),
        }));
    },
  };
}
