// A state.db that SQLite cannot read (not a database, or malformed pages) is reported as one clear
// error naming the file and the repair, instead of a stack trace, and ends the gateway with its own
// exit code so a service manager does not restart it in a loop.
/** The gateway's exit code for a damaged state.db (sysexits' EX_CONFIG); the service files do not restart on it. */
export const DAMAGED_STATE_EXIT_CODE = 78;

// SQLite's primary result codes (the low byte of an extended code).
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

export class DamagedStateError extends Error {
  override readonly name = "DamagedStateError";
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(
      `${file} is damaged (${problem}). Run \`agent-claw doctor --repair\`: it keeps the damaged file aside, rebuilds the database and says what was lost.`,
    );
    this.file = file;
    this.problem = problem;
  }
}

/** SQLite's own words when `error` says the database file is damaged; undefined for any other error. */
export function corruptionOf(error: unknown): string | undefined {
  const { errcode, errstr } = (error ?? {}) as { errcode?: unknown; errstr?: unknown };
  if (typeof errcode !== "number") return undefined;
  const primary = errcode & 0xff;
  if (primary !== SQLITE_CORRUPT && primary !== SQLITE_NOTADB) return undefined;
  return typeof errstr === "string" ? errstr : (error as Error).message;
}

/** The files of a WAL-mode database: the database itself, its write-ahead log and its shared-memory index. */
export const databaseFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`];
