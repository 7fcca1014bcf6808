// The agent's files (SOUL.md, AGENTS.md, MEMORY.md, notes): a folder locally, an S3 prefix on AWS.

/** One file or folder, named by its workspace-relative POSIX path. */
export interface WorkspaceEntry {
  path: string;
  kind: "file" | "dir";
  /** Bytes, for files; 0 for folders. */
  size: number;
  mtimeMs: number;
  /** A tag that changes with the content, where the store keeps one (S3's ETag); caches compare it. */
  etag?: string;
}

/** Raised for a path that is absolute, climbs out with `..`, or resolves outside through a link. */
export class WorkspacePathError extends Error {
  override readonly name = "WorkspacePathError";
}

/**
 * The agent's workspace. Paths are relative POSIX paths ("memory/2026-11-22.md"); "" and "."
 * name the root. Implemented by adapters/fs/workspace.ts and adapters/s3/workspace.ts.
 */
export interface Workspace {
  /** Where it lives, for people: a folder path or an s3:// URL. */
  readonly location: string;
  /** Contract: the file's bytes, or null when it does not exist; WorkspacePathError for a path outside. */
  read(path: string): Promise<Uint8Array | null>;
  /** Contract: atomic (a reader sees the old or the new content, never a mix); creates parent folders. */
  write(path: string, data: string | Uint8Array): Promise<void>;
  /** Contract: null when missing; folders are reported as kind "dir". */
  stat(path: string): Promise<WorkspaceEntry | null>;
  /**
   * Contract: the entries below `dir` sorted by path (recursive: all descendants, files and folders);
   * [] for a missing folder.
   */
  list(dir: string, options?: { recursive?: boolean }): Promise<WorkspaceEntry[]>;
  /** Contract: removes a file; removing a missing file is not an error. */
  remove(path: string): Promise<void>;
}
