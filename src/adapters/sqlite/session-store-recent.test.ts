// What a turn loads from the local SessionStore: only the end of the transcript from the last
// compaction on, while readers of the whole history still get all of it.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CompactionEntry, MessageEntry } from "../../core/transcript.ts";
import { visibleEntries } from "../../core/transcript-repair.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteSessionStore } from "./session-store.ts";

const message = (id: string): MessageEntry => ({
  type: "message",
  id,
  at: 0,
  message: { role: "user", content: `message ${id} ${"words ".repeat(20)}` },
});
const compaction = (id: string, firstKeptId: string | null): CompactionEntry => ({
  type: "compaction",
  id,
  at: 0,
  summary: "what was said",
  firstKeptId,
  tokensBefore: 5000,
  reason: "threshold",
});
const ids = (entries: { id: string }[]) => entries.map((e) => e.id);
const history = (n: number) => Array.from({ length: n }, (_, i) => message(`m${i}`));

describe("sqlite session store: loading from the last compaction on", () => {
  let dir: string;
  let db: DatabaseSync;
  const clock = createFakeClock();
  const store = () => createSqliteSessionStore({ db, dir: join(dir, "sessions"), clock });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ac-recent-"));
    db = openStateDb(join(dir, "state.db"));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives a turn the kept messages, the compaction and what follows, and history readers everything", async () => {
    const writer = store();
    const { sessionId } = await writer.open("k");
    await writer.append(sessionId, history(500));
    await writer.append(sessionId, [compaction("c", "m497"), message("after")]);
    const all = await writer.load(sessionId);
    // A process that never saw the file (the first turn after a start) and the one that wrote it agree.
    for (const reader of [store(), writer]) {
      const recent = await reader.load(sessionId, { sinceCompaction: true });
      expect(ids(recent)).toEqual(["m497", "m498", "m499", "c", "after"]);
      expect(visibleEntries(recent)).toEqual(visibleEntries(all));
      expect(await reader.load(sessionId)).toHaveLength(502);
    }
  });

  it("loads everything when the transcript holds no compaction", async () => {
    const s = store();
    const { sessionId } = await s.open("k");
    await s.append(sessionId, history(30));
    expect(await store().load(sessionId, { sinceCompaction: true })).toHaveLength(30);
  });

  it("after a compaction is appended, a turn's load drops what it replaced and a whole load rereads", async () => {
    const s = store();
    const { sessionId } = await s.open("k");
    await s.append(sessionId, history(40));
    expect(await s.load(sessionId, { sinceCompaction: true })).toHaveLength(40); // now cached
    await s.append(sessionId, [compaction("c", null)]);
    await s.append(sessionId, [message("next")]);
    expect(ids(await s.load(sessionId, { sinceCompaction: true }))).toEqual(["c", "next"]);
    expect(await s.load(sessionId)).toHaveLength(42);
  });

  it("numbers a damaged line in the end it read from the top of the file", async () => {
    const reports: number[][] = [];
    const s = createSqliteSessionStore({
      db,
      dir: join(dir, "sessions"),
      clock,
      onCorruptLines: ({ lines }) => reports.push(lines),
    });
    const { sessionId } = await s.open("k");
    await s.append(sessionId, [...history(10), compaction("c", "m8")]);
    appendFileSync(join(dir, "sessions", `${sessionId}.jsonl`), "not json\n");
    await s.append(sessionId, [message("after")]);
    const recent = await s.load(sessionId, { sinceCompaction: true });
    expect(ids(recent)).toEqual(["m8", "m9", "c", "after"]);
    expect(reports).toEqual([[12]]);
  });
});
