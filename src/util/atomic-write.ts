// Atomic file replacement: write a temp file beside the target, fsync it, rename it over the target.
// A reader (or a crash) sees the old content or the new, never a mix; used for workspace and config.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "./private-files.ts";

const TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** True for the name of a temp file writeFileAtomic uses (or left behind in a crash), for listings to skip. */
export function isAtomicTempName(name: string): boolean {
  return TEMP.test(name);
}

/**
 * Replaces `path` with `data` atomically, creating its folder (private, 0700) when missing. The file
 * gets `mode` when given; else an existing file keeps its mode (a script stays executable) and a new
 * one is private (0600). The mode is set explicitly, so the umask does not matter.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const mode = options.mode ?? (await existingMode(path)) ?? PRIVATE_FILE_MODE;
  const create = () => open(temp, "wx", PRIVATE_FILE_MODE);
  const handle = await create().catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    return create();
  });
  try {
    try {
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename is durable only once the folder is synced.
  await syncDir(dir);
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Makes a folder's entries (a new or renamed file) durable; best effort, as some platforms cannot fsync folders. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some filesystems refuse; the data itself is already synced.
  }
}
