// Reads only the end of a JSONL transcript that a turn needs: from the last compaction's first kept
// entry on (the model never sees what lies before it), scanning backwards from the end of the file.
// A long-lived session then costs a turn what its recent conversation costs, not its whole history.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface TranscriptTail {
  /** The complete lines from `start` on, each ending in "\n" (a torn last line is left out). */
  text: string;
  /** Byte offset of the first line read; 0 when the whole file was needed. */
  start: number;
  /** The file's size when it was read (the torn last line included). */
  size: number;
}

// Entries are written by JSON.stringify: inside a string value a quote is escaped, so these bytes
// only occur as a key and its value. They may still belong to a nested object (a tool's JSON
// output), so each match is parsed and checked at the top level.
const COMPACTION = Buffer.from('"type":"compaction"');
const NEWLINE = 0x0a;

const topLevel = (line: Buffer): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(line.toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // a damaged line: never the entry we look for
  }
};

/**
 * The lines a turn needs from `file`: from the line of the last compaction's firstKeptId (or the
 * compaction itself when it keeps nothing or its first kept entry is not found before it), or the
 * whole file when it holds no compaction. Throws as openSync does (ENOENT for a missing file).
 * Contract: visibleEntries() of the lines read equals visibleEntries() of the whole file.
 */
export function readTranscriptTail(file: string, firstChunk = 64 * 1024): TranscriptTail {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    // buf holds the file's bytes [pos, size); chunks double so that scanning a whole file copies O(n).
    let buf = Buffer.alloc(0);
    let pos = size;
    let chunk = firstChunk;
    const readMore = (): boolean => {
      if (pos === 0) return false;
      const length = Math.min(chunk, pos);
      const head = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, head, done, length - done, pos - length + done);
        if (n === 0) throw new Error(`${file} shrank while it was read`);
        done += n;
      }
      buf = Buffer.concat([head, buf]);
      pos -= length;
      chunk *= 2;
      return true;
    };
    /** Absolute offset of the last occurrence of needle starting before `before`; -1 when none. */
    const findBack = (needle: Buffer | number, before: number): number => {
      for (;;) {
        const from = before - pos - 1;
        const at = from >= 0 ? buf.lastIndexOf(needle, from) : -1;
        if (at >= 0) return pos + at;
        if (!readMore()) return -1;
      }
    };
    /** The complete line holding the byte at `offset` (without its "\n"), and where it starts. */
    const lineAt = (offset: number): { start: number; line: Buffer } => {
      const start = findBack(NEWLINE, offset) + 1;
      const stop = pos + buf.indexOf(NEWLINE, offset - pos);
      return { start, line: buf.subarray(start - pos, stop - pos) };
    };

    /** The start of the line of the entry with id `id` before `before`, or null. */
    const findKept = (id: string, before: number): number | null => {
      const needle = Buffer.from(`"id":${JSON.stringify(id)}`);
      for (let cursor = before; ;) {
        const hit = findBack(needle, cursor);
        if (hit < 0) return null;
        const found = lineAt(hit);
        if (topLevel(found.line)?.["id"] === id) return found.start;
        cursor = found.start;
      }
    };

    const end = findBack(NEWLINE, size) + 1; // past the last complete line
    let start = 0;
    for (let cursor = end; ;) {
      const hit = findBack(COMPACTION, cursor);
      if (hit < 0) break;
      const found = lineAt(hit);
      cursor = found.start;
      const entry = topLevel(found.line);
      if (entry?.["type"] !== "compaction") continue;
      const keptId = entry["firstKeptId"];
      start = (typeof keptId === "string" ? findKept(keptId, found.start) : null) ?? found.start;
      break;
    }
    return { text: buf.subarray(start - pos, end - pos).toString("utf8"), start, size };
  } finally {
    closeSync(fd);
  }
}
