// The agent's workspace as a folder on disk. Paths are normalised, then checked again after
// symlinks are resolved, so a link cannot lead the agent outside the folder.
import { lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { lstat, mkdir, readdir, realpath, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { fileInTheWay, folderInTheWay, normalizeWorkspacePath } from "../../core/workspace-path.ts";
import { type Workspace, type WorkspaceEntry, WorkspacePathError } from "../../ports/workspace.ts";
import { isAtomicTempName, writeFileAtomic } from "../../util/atomic-write.ts";
import { ensurePrivateDir, PRIVATE_DIR_MODE } from "../../util/private-files.ts";

export interface FsWorkspaceOptions {
  /** The workspace folder; created when missing. */
  root: string;
}

const MAX_LINK_HOPS = 40;
const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * A Workspace over the folder `root`. Symlinks are followed only while they stay inside the
 * real root; `remove` deletes a link itself, never its target; listings skip links that leave
 * and do not descend into linked folders (no cycles, no duplicates). The check and the
 * operation are not atomic: something that can swap links in the folder meanwhile can escape.
 */
export function createFsWorkspace({ root }: FsWorkspaceOptions): Workspace {
  ensurePrivateDir(root);
  // Native like every path checked against it: on a case-insensitive disk (macOS) the JS realpath keeps
  // the case the user typed and the native one the case on disk, and mixing them would refuse every path.
  const realRoot = realpathSync.native(root);
  const inside = (real: string) =>
    real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);

  /** The real location `abs` names, following links, for a path that may not exist yet. */
  // Path checks and small reads use the synchronous calls on purpose: each is a few microseconds,
  // while a thread-pool round trip costs ten times that, and a turn makes a dozen of them.
  function realLocation(abs: string, hops = 0): string {
    if (hops > MAX_LINK_HOPS) throw new WorkspacePathError(`Too many symbolic links at ${abs}.`);
    try {
      // The native call is one realpath(3); Node's own walks the path with an lstat per component.
      return realpathSync.native(abs);
    } catch (error) {
      if (code(error) === "ELOOP") throw new WorkspacePathError(`Symbolic link loop at ${abs}.`);
      // ENOTDIR: a file sits where a folder would be; the operation itself will report "missing".
      if (code(error) !== "ENOENT" && code(error) !== "ENOTDIR") throw error;
    }
    const parent = dirname(abs);
    if (parent === abs) return abs;
    // A dangling link must be judged by where it points, not by where it sits.
    let info: ReturnType<typeof lstatSync>;
    try {
      info = lstatSync(abs, { throwIfNoEntry: false });
    } catch (error) {
      // A file where a folder would be: nothing can exist below it, so it is simply missing.
      if (code(error) !== "ENOTDIR") throw error;
    }
    if (info?.isSymbolicLink()) return realLocation(resolve(parent, readlinkSync(abs)), hops + 1);
    return join(realLocation(parent, hops), basename(abs));
  }

  /** Normalises `path` and resolves it for use; refuses it when its real location is outside. */
  function locate(path: string, opts: { keepLink?: boolean } = {}) {
    const rel = normalizeWorkspacePath(path);
    const abs = join(realRoot, rel);
    const real = opts.keepLink ? join(realLocation(dirname(abs)), basename(abs)) : realLocation(abs);
    if (!inside(real)) {
      throw new WorkspacePathError(
        `Path ${JSON.stringify(path)} leads outside the workspace through a link.`,
      );
    }
    return { rel, real };
  }

  const entry = (
    rel: string,
    info: { isDirectory(): boolean; size: number; mtimeMs: number },
  ): WorkspaceEntry => ({
    path: rel,
    kind: info.isDirectory() ? "dir" : "file",
    size: info.isDirectory() ? 0 : info.size,
    mtimeMs: info.mtimeMs,
  });

  async function walk(real: string, rel: string, recursive: boolean, out: WorkspaceEntry[]): Promise<void> {
    let names: string[];
    try {
      names = await readdir(real);
    } catch (error) {
      if (code(error) === "ENOENT" || code(error) === "ENOTDIR") return;
      throw error;
    }
    for (const name of names) {
      if (isAtomicTempName(name)) continue;
      const childRel = rel === "" ? name : `${rel}/${name}`;
      const child = join(real, name);
      const link = await lstat(child).catch(() => null);
      if (!link) continue; // removed meanwhile
      let info = link;
      if (link.isSymbolicLink()) {
        const target = await realpath(child).catch(() => null);
        if (target === null || !inside(target)) continue;
        info = await stat(target);
      }
      out.push(entry(childRel, info));
      if (recursive && link.isDirectory()) await walk(child, childRel, true, out);
    }
  }

  return {
    location: realRoot,

    async read(path) {
      const { real } = locate(path);
      try {
        return new Uint8Array(readFileSync(real));
      } catch (error) {
        if (code(error) === "ENOENT" || code(error) === "ENOTDIR") return null;
        throw error;
      }
    },

    async write(path, data) {
      const { rel, real } = locate(path);
      if (rel === "") throw new WorkspacePathError("Cannot write to the workspace root; name a file.");
      try {
        await mkdir(dirname(real), { recursive: true, mode: PRIVATE_DIR_MODE });
        if (statSync(real, { throwIfNoEntry: false })?.isDirectory()) throw folderInTheWay(rel);
        await writeFileAtomic(real, data);
      } catch (error) {
        // A file where a folder must go: say which, without the host's absolute path.
        if (code(error) === "ENOTDIR" || code(error) === "EEXIST") throw fileInTheWay(rel);
        throw error;
      }
    },

    async stat(path) {
      const { rel, real } = locate(path);
      try {
        return entry(rel, statSync(real));
      } catch (error) {
        if (code(error) === "ENOENT" || code(error) === "ENOTDIR") return null;
        throw error;
      }
    },

    async list(dir, options) {
      const { rel, real } = locate(dir);
      const out: WorkspaceEntry[] = [];
      await walk(real, rel, options?.recursive ?? false, out);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async remove(path) {
      const { rel, real } = locate(path, { keepLink: true });
      if (rel === "") throw new WorkspacePathError("Cannot remove the workspace root.");
      try {
        await unlink(real);
      } catch (error) {
        if (code(error) !== "ENOENT" && code(error) !== "ENOTDIR") throw error;
      }
    },
  };
}
