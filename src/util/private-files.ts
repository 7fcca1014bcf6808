// Modes for everything agent-claw keeps: its files hold tokens, transcripts and the state of your
// chats, so they are the owner's alone whatever the umask (0700 folders, 0600 files).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/** Folders agent-claw creates: rwx for the owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files agent-claw creates: rw for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` and its missing parents as private folders; an existing folder keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `path` as an empty private file (and its folder) unless it exists, for files another
 * library then writes (SQLite gives its -wal and -shm the database file's mode). True when created.
 */
export function createPrivateFile(path: string): boolean {
  ensurePrivateDir(dirname(path));
  if (existsSync(path)) return false;
  closeSync(openSync(path, "a", PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
  return true;
}

/** Sets `path` to 0600; quietly nothing when it does not exist (yet). */
export function makePrivate(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch {
    // Not there: whoever creates it later follows its own rules (see createPrivateFile).
  }
}
