import { mkdtemp, rm } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStateDb } from "./db.ts";
import { groupCommit } from "./group-commit.ts";

let dir: string;
let db: DatabaseSync;
let commits: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-claw-group-commit-"));
  const real = openStateDb(join(dir, "state.db"));
  real.exec("CREATE TABLE notes (text TEXT NOT NULL UNIQUE)");
  commits = 0;
  // Counts commits on the way to SQLite, so a test can see how many transactions a batch took.
  db = new Proxy(real, {
    get(target, key) {
      if (key === "exec") {
        return (sql: string) => {
          if (sql === "COMMIT") commits++;
          return target.exec(sql);
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const insert = (text: string) => () => db.prepare("INSERT INTO notes (text) VALUES (?)").run(text).changes;
const notes = () =>
  db
    .prepare("SELECT text FROM notes ORDER BY rowid")
    .all()
    .map((r) => r["text"]);

describe("group commit", () => {
  it("commits writes asked for in the same tick in one transaction, each with its own result", async () => {
    const durably = groupCommit(db);
    const results = await Promise.all([durably(insert("a")), durably(insert("b")), durably(() => 42)]);
    expect(results).toEqual([1, 1, 42]);
    expect(commits).toBe(1);
    expect(notes()).toEqual(["a", "b"]);
  });

  it("rolls back only the write that failed; the others in its batch commit", async () => {
    const durably = groupCommit(db);
    const outcomes = await Promise.allSettled([
      durably(insert("a")),
      durably(insert("a")), // violates UNIQUE
      durably(insert("c")),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(notes()).toEqual(["a", "c"]);
  });

  it("gives later ticks their own transaction, and shares one committer per database", async () => {
    await groupCommit(db)(insert("a"));
    await groupCommit(db)(insert("b"));
    expect(groupCommit(db)).toBe(groupCommit(db));
    expect(commits).toBe(2);
    expect(notes()).toEqual(["a", "b"]);
  });
});
