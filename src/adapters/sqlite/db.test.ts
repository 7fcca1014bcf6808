// openStateDb: the database and its WAL files are private whatever the umask, and a damaged file is
// reported as one DamagedStateError naming it and the repair, not as SQLite's bare error.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DamagedStateError } from "./damaged-state.ts";
import { openStateDb } from "./db.ts";
import { damagePage } from "./testing/damage.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "claw-db-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("openStateDb", () => {
  it("creates its folder 0700 and state.db, -wal and -shm 0600 under umask 022", async () => {
    const umask = process.umask(0o022);
    try {
      const path = join(dir, "home", "state.db");
      const db = openStateDb(path);
      db.exec("INSERT INTO claim_keys VALUES ('k', 1)");
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect((await stat(file)).mode & 0o777, file).toBe(0o600);
      }
      expect((await stat(join(dir, "home"))).mode & 0o777).toBe(0o700);
      db.close();
    } finally {
      process.umask(umask);
    }
  });

  it("names the file and the repair when it is not a database", async () => {
    const path = join(dir, "state.db");
    await writeFile(path, "x".repeat(8192));
    expect(() => openStateDb(path)).toThrow(DamagedStateError);
    expect(() => openStateDb(path)).toThrow(
      `${path} is damaged (file is not a database). Run \`agent-claw doctor --repair\``,
    );
  });

  it("finds a damaged table at open when asked to check, which a plain open does not notice", async () => {
    const path = join(dir, "state.db");
    const db = openStateDb(path);
    for (let i = 0; i < 50; i++)
      db.prepare("INSERT INTO sessions (key, session_id, created_at, updated_at) VALUES (?, ?, 0, 0)").run(
        `k${i}`,
        `s${i}`,
      );
    db.close();
    await damagePage(path, "sessions");
    openStateDb(path).close();
    expect(() => openStateDb(path, { check: true })).toThrow(DamagedStateError);
  });
});
