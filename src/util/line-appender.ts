// Appends of whole lines to a file (JSONL transcripts): one write plus fdatasync per call (or one
// fdatasync for several writes), serialised per file, never gluing new lines onto a torn line.
import { closeSync, fchmodSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { syncDir } from "./atomic-write.ts";
import { PRIVATE_FILE_MODE } from "./private-files.ts";

/** Appends complete lines to files; see createLineAppender. */
export interface LineAppender {
  /**
   * Appends `data` (one or more lines, each ending in "\n") to `path`, durable once resolved; with
   * `sync: false` only written (it survives the process, not a power cut) until a later sync.
   */
  (path: string, data: string, options?: { sync?: boolean }): Promise<void>;
  /** Makes everything appended to `path` so far durable; nothing to do when it does not exist. */
  sync(path: string): Promise<void>;
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
  /** Files created by an unsynced append: their folder entry still needs an fsync. */
  const unsyncedNew = new Set<string>();
  const queues = new Map<string, Promise<void>>();

  async function write(path: string, data: string, sync: boolean): Promise<void> {
    const created = checked.has(path) ? false : await repairTail(path);
    // Synchronous on purpose: open, write, fdatasync and close take ~0.2 ms together here, while the
    // same four steps through the thread pool cost ~0.8 ms, and a turn appends at least twice.
    const fd = openSync(path, "a", PRIVATE_FILE_MODE);
    try {
      // Set, not left to the umask: transcripts are private (see private-files.ts).
      if (created) fchmodSync(fd, PRIVATE_FILE_MODE);
      const bytes = Buffer.from(data);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      if (sync) fdatasyncSync(fd);
      checked.add(path);
    } catch (error) {
      // A failed write may itself have left a torn tail: look again next time.
      checked.delete(path);
      throw error;
    } finally {
      closeSync(fd);
    }
    // A new file's name must be durable too; after an unsynced append that waits for the next sync.
    if (created) unsyncedNew.add(path);
    if (sync && unsyncedNew.delete(path)) await syncDir(dirname(path));
  }

  async function flush(path: string): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    try {
      // On the thread pool, unlike the small writes: an fsync can take milliseconds on a busy disk,
      // and the event loop serves other sessions meanwhile (several syncs then overlap).
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (unsyncedNew.delete(path)) await syncDir(dirname(path));
  }

  /** Runs `step` after everything queued for `path`, in call order. */
  function enqueue(path: string, step: () => Promise<void>): Promise<void> {
    const previous = queues.get(path) ?? Promise.resolve();
    const result = previous.then(step);
    const settled = result.catch(() => {});
    queues.set(path, settled);
    void settled.then(() => {
      if (queues.get(path) === settled) queues.delete(path);
    });
    return result;
  }

  const append = (path: string, data: string, options?: { sync?: boolean }): Promise<void> =>
    enqueue(path, () => write(path, data, options?.sync ?? true));
  append.sync = (path: string): Promise<void> => enqueue(path, () => flush(path));
  append.forget = (path: string) => {
    checked.delete(path);
    unsyncedNew.delete(path);
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
