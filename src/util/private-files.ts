// Modes for everything agent-claw keeps: its files hold tokens, transcripts and the state of your
// chats, so they are the owner's alone whatever the umask (0700 folders, 0600 files).
import { mkdirSync } from "node:fs";

/** Folders agent-claw creates: rwx for the owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files agent-claw creates: rw for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` and its missing parents as private folders; an existing folder keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}
