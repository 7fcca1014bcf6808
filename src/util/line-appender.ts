// Durable appends of whole lines to a file (JSONL transcripts): one write plus fdatasync per call,
// serialised per file, and never gluing new lines onto a line torn by an earlier crash.
import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { syncDir } from "./atomic-write.ts";

/** Appends complete lines to files; see createLineAppender. */
export interface LineAppender {
  /** Appends `data` (one or more lines, each ending in "\n") to `path`, durable once resolved. */
  (path: string, data: string): Promise<void>;
  /** Forgets what is known about `path` (call after deleting or renaming it). */
  forget(path: string): void;
}

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/**
 * Creates an appender. Before the first append to a file in this process, a tail not ending in
 * "\n" (left by a kill mid-write) is truncated back to the last "\n"; after that the file is
 * trusted, which assumes this process is the file's only writer. Appends to one file run one at a
 * time, in call order.
 */
export function createLineAppender(): LineAppender {
  const checked = new Set<string>();
  const queues = new Map<string, Promise<void>>();

  async function write(path: string, data: string): Promise<void> {
    const created = checked.has(path) ? false : await repairTail(path);
    // Synchronous on purpose: open, write, fdatasync and close take ~0.2 ms together here, while the
    // same four steps through the thread pool cost ~0.8 ms, and a turn appends at least twice.
    const fd = openSync(path, "a");
    try {
      const bytes = Buffer.from(data);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fdatasyncSync(fd);
      checked.add(path);
    } catch (error) {
      // A failed write may itself have left a torn tail: look again next time.
      checked.delete(path);
      throw error;
    } finally {
      closeSync(fd);
    }
    if (created) await syncDir(dirname(path));
  }

  const append = (path: string, data: string): Promise<void> => {
    const previous = queues.get(path) ?? Promise.resolve();
    const result = previous.then(() => write(path, data));
    const settled = result.catch(() => {});
    queues.set(path, settled);
    void settled.then(() => {
      if (queues.get(path) === settled) queues.delete(path);
    });
    return result;
  };
  append.forget = (path: string) => {
    checked.delete(path);
  };
  return append;
}

/** Cuts a torn last line off `path`. Returns true when the file does not exist yet. */
async function repairTail(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(CHUNK, size));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const at = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (at >= 0) {
        end = start + at + 1;
        break;
      }
      end = start;
    }
    if (end < size) {
      await handle.truncate(end);
      await handle.datasync();
    }
    return false;
  } finally {
    await handle.close();
  }
}
