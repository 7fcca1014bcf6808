// An in-memory Workspace for tests of the tools: the port's contract without a disk.
// Folders exist explicitly (created by writes, like mkdir -p), so stat and list behave like the fs adapter.
import { fileInTheWay, folderInTheWay, normalizeWorkspacePath } from "../../core/workspace-path.ts";
import { type Workspace, type WorkspaceEntry, WorkspacePathError } from "../../ports/workspace.ts";

interface FileNode {
  data: Uint8Array;
  mtimeMs: number;
}

/** A Workspace held in maps, optionally seeded with files (text or bytes) by path. */
export function createMemoryWorkspace(
  seed: Record<string, string | Uint8Array> = {},
  now: () => number = () => Date.now(),
): Workspace {
  const files = new Map<string, FileNode>();
  const dirs = new Map<string, number>();
  const encoder = new TextEncoder();

  const parentsOf = (path: string): string[] => {
    const parts = path.split("/");
    const out: string[] = [];
    for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
    return out;
  };

  const write = (input: string, data: string | Uint8Array): void => {
    const path = normalizeWorkspacePath(input);
    if (path === "") throw new WorkspacePathError("Cannot write to the workspace root; name a file.");
    if (dirs.has(path)) throw folderInTheWay(path);
    const time = now();
    const parents = parentsOf(path);
    if (parents.some((dir) => files.has(dir))) throw fileInTheWay(path);
    for (const dir of parents) if (!dirs.has(dir)) dirs.set(dir, time);
    // Copy so a caller mutating its buffer afterwards cannot change the stored file.
    const bytes = typeof data === "string" ? encoder.encode(data) : new Uint8Array(data);
    files.set(path, { data: bytes, mtimeMs: time });
  };

  const entryOf = (path: string): WorkspaceEntry | null => {
    const file = files.get(path);
    if (file) return { path, kind: "file", size: file.data.byteLength, mtimeMs: file.mtimeMs };
    const dirTime = dirs.get(path);
    if (dirTime !== undefined) return { path, kind: "dir", size: 0, mtimeMs: dirTime };
    return null;
  };

  for (const [path, data] of Object.entries(seed)) write(path, data);
  dirs.set("", now());

  return {
    location: "memory://workspace",
    async read(input) {
      const path = normalizeWorkspacePath(input);
      if (dirs.has(path)) throw new Error(`EISDIR: ${JSON.stringify(input)} is a folder`);
      const file = files.get(path);
      return file ? new Uint8Array(file.data) : null;
    },
    async write(input, data) {
      write(input, data);
    },
    async stat(input) {
      return entryOf(normalizeWorkspacePath(input));
    },
    async list(input, options) {
      const dir = normalizeWorkspacePath(input);
      if (!dirs.has(dir)) return [];
      const prefix = dir === "" ? "" : `${dir}/`;
      const paths = [...dirs.keys(), ...files.keys()].filter((path) => {
        if (path === "" || !path.startsWith(prefix)) return false;
        return options?.recursive === true || !path.slice(prefix.length).includes("/");
      });
      paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return paths.map((path) => entryOf(path)!);
    },
    async remove(input) {
      const path = normalizeWorkspacePath(input);
      if (dirs.has(path)) throw new Error(`EISDIR: ${JSON.stringify(input)} is a folder`);
      files.delete(path);
    },
  };
}
