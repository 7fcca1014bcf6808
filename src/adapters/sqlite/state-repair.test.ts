// repairStateDb: the damaged file is kept aside, every row that still reads is copied (also those past
// a damaged page), and sessions whose index rows were lost come back from their transcripts.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStateDb } from "./db.ts";
import { repairStateDb } from "./state-repair.ts";

let dir: string;
let path: string;
let sessions: string;
const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "claw-repair-"));
  path = join(dir, "state.db");
  sessions = join(dir, "sessions");
  await mkdir(sessions);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const line = (value: object) => `${JSON.stringify(value)}\n`;

describe("repairStateDb", () => {
  it("keeps a file that is not a database aside and starts a fresh one, listing transcripts it cannot place", async () => {
    await writeFile(path, "not sqlite at all ".repeat(500));
    await writeFile(
      join(sessions, "s1.jsonl"),
      line({ type: "message", id: "1", at: 5, message: { role: "user", content: "hi" } }),
    );

    const report = repairStateDb(path, sessions, NOW);

    expect(report.damagedCopy).toBe(`${path}.damaged-2026-12-07T09-00-00.000Z`);
    expect(await readFile(report.damagedCopy, "utf8")).toContain("not sqlite at all");
    expect(report.tables.find((t) => t.table === "sessions")).toEqual({
      table: "sessions",
      kept: 0,
      lost: undefined,
    });
    expect(report).toMatchObject({ sessionsRebuilt: 0, orphanTranscripts: ["s1.jsonl"] });
    const fresh = openStateDb(path, { check: true });
    expect(fresh.prepare("SELECT count(*) AS n FROM sessions").get()?.["n"]).toBe(0);
    fresh.close();
    expect((await readdir(dir)).sort()).toEqual([
      "sessions",
      "state.db",
      report.damagedCopy.slice(dir.length + 1),
    ]);
  });

  it("copies the rows on both sides of a damaged page", async () => {
    const db = openStateDb(path);
    const insert = db.prepare(
      "INSERT INTO queue_messages (queue, grp, dedupe_id, body, visible_at, enqueued_at) VALUES ('q', 'g', ?, ?, 0, 0)",
    );
    for (let i = 1; i <= 300; i++) insert.run(`d${i}`, "x".repeat(1000));
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const pages = Number(db.prepare("PRAGMA page_count").get()?.["page_count"]);
    const size = Number(db.prepare("PRAGMA page_size").get()?.["page_size"]);
    db.close();
    // A leaf page in the middle of the table: the pages at the end of the file are its leaves.
    const file = await readFile(path);
    file.fill(0x5a, (pages - 50) * size, (pages - 49) * size);
    await writeFile(path, file);

    const report = repairStateDb(path, sessions, NOW);

    const queue = report.tables.find((t) => t.table === "queue_messages")!;
    expect(queue.kept).toBeGreaterThan(280);
    expect(queue.kept).toBeLessThan(300);
    const fresh = new DatabaseSync(path);
    const seqs = fresh
      .prepare("SELECT seq FROM queue_messages ORDER BY seq")
      .all()
      .map((r) => Number(r["seq"]));
    fresh.close();
    // Rows before the damage and after it (read backwards) are both there.
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(300);
  });

  it("puts a session back under its key, found through the outbox, with its counters", async () => {
    const db = openStateDb(path);
    db.prepare(
      "INSERT INTO outbox (key, session_key, status, reply, input_tokens, output_tokens, created_at) VALUES ('job-1', 'agent:main:telegram:dm:42', 'done', 'Hi', 3, 2, 10)",
    ).run();
    db.close();
    await writeFile(
      join(sessions, "abc.jsonl"),
      line({ type: "message", id: "1", at: 10, turn: ["job-1"], message: { role: "user", content: "hi" } }) +
        line({
          type: "message",
          id: "2",
          at: 12,
          usage: { inputTokens: 3, outputTokens: 2 },
          message: { role: "assistant", content: "Hi" },
        }),
    );

    const report = repairStateDb(path, sessions, NOW);

    expect(report).toMatchObject({ sessionsRebuilt: 1, orphanTranscripts: [] });
    expect(report.tables.find((t) => t.table === "outbox")).toEqual({ table: "outbox", kept: 1, lost: 0 });
    const fresh = new DatabaseSync(path);
    expect(fresh.prepare("SELECT * FROM sessions").all()).toEqual([
      expect.objectContaining({
        key: "agent:main:telegram:dm:42",
        session_id: "abc",
        created_at: 10,
        updated_at: 12,
        turns: 1,
        input_tokens: 3,
        output_tokens: 2,
      }),
    ]);
    fresh.close();
  });
});
