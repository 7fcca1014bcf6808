// Finds the workspace's Markdown notes on disk for the memory index: one synchronous stat walk,
// measured at ~65 ms for 10,000 notes in 100 folders and well under 1 ms for a usual workspace.
import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isIndexedNote, MAX_NOTE_BYTES, SKIPPED_TOP_FOLDERS } from "../../core/memory/indexed-notes.ts";

/** A note as the walk saw it. */
export interface MarkdownFile {
  size: number;
  mtimeMs: number;
}

/**
 * Every indexed note below `root` by workspace-relative POSIX path. Links are not followed (a link
 * could lead out of the workspace); a missing root is an empty workspace.
 */
export function walkMarkdown(root: string): Map<string, MarkdownFile> {
  const found = new Map<string, MarkdownFile>();
  const visit = (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable meanwhile: nothing to index there
    }
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name.startsWith(".")) continue;
        if (!rel && SKIPPED_TOP_FOLDERS.has(entry.name.toLowerCase())) continue;
        visit(join(dir, entry.name), path);
      } else if (entry.isFile() && isIndexedNote(path)) {
        const info = statSync(join(dir, entry.name), { throwIfNoEntry: false });
        if (info && info.size <= MAX_NOTE_BYTES)
          found.set(path, { size: info.size, mtimeMs: Math.trunc(info.mtimeMs) });
      }
    }
  };
  visit(root, "");
  return found;
}

/** One note's size and mtime now, or null when it is gone, too big or not a plain file. */
export function statMarkdown(root: string, path: string): MarkdownFile | null {
  const info = statSync(join(root, ...path.split("/")), { throwIfNoEntry: false });
  if (!info?.isFile() || info.size > MAX_NOTE_BYTES) return null;
  return { size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
}
