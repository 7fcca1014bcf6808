// Local memory index: the contract over a workspace folder, plus what only it does: notes seen by a
// search without index(), the stat walk's pacing, turns read from real transcripts, and reopening.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../../core/transcript.ts";
import { memoryContract } from "../../ports/memory.contract.ts";
import type { SessionStore } from "../../ports/session-store.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteMemory, type SqliteMemory, type SqliteMemoryOptions } from "./memory-index.ts";
import { createSqliteSessionStore } from "./session-store.ts";

const put = async (root: string, path: string, text: string) => {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
};

memoryContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-memory-"));
  const root = join(dir, "workspace");
  const memory = createSqliteMemory({ path: join(dir, "memory.db"), root, clock: createFakeClock() });
  return {
    memory,
    writeNote: (path, text) => put(root, path, text),
    removeNote: (path) => rm(join(root, path), { force: true }),
    async cleanup() {
      await memory.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite memory index", () => {
  let dir: string;
  let root: string;
  let clock: FakeClock;
  let open: SqliteMemory[];
  const make = (over: Partial<SqliteMemoryOptions> = {}) => {
    const memory = createSqliteMemory({ path: join(dir, "memory.db"), root, clock, ...over });
    open.push(memory);
    return memory;
  };
  const refs = async (memory: SqliteMemory, query: string, actor?: string) =>
    (await memory.search({ query, ...(actor && { actor }) })).map((h) => h.ref);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-memory-"));
    root = join(dir, "workspace");
    clock = createFakeClock();
    open = [];
  });
  afterEach(async () => {
    for (const memory of open) await memory.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("finds a note written a moment ago without index(), and forgets a removed one", async () => {
    const memory = make();
    expect(await memory.search({ query: "kayak" })).toEqual([]);
    await put(root, "memory/2026-12-07.md", "# Monday\nRented a kayak at the lake.\n");
    expect(await refs(memory, "kayak")).toEqual(["memory/2026-12-07.md"]);
    await rm(join(root, "memory/2026-12-07.md"));
    expect(await refs(memory, "kayak")).toEqual([]);
  });

  it("walks a slow workspace only every rescanMs, but re-reads a note the agent wrote at once", async () => {
    // eagerNotes 0: walked as a workspace of many thousand notes is.
    const memory = make({ eagerNotes: 0, rescanMs: 30_000 });
    await put(root, "notes/a.md", "first: walrus\n");
    expect(await refs(memory, "walrus")).toEqual(["notes/a.md"]); // the first search walks
    await put(root, "notes/b.md", "second: walrus too\n");
    expect(await refs(memory, "walrus")).toEqual(["notes/a.md"]); // an editor's write, not walked yet
    await put(root, "notes/c.md", "third: a walrus the agent wrote\n");
    memory.noteChanged("notes/c.md");
    expect((await refs(memory, "walrus")).sort()).toEqual(["notes/a.md", "notes/c.md"]);
    await clock.advance(30_000);
    expect((await refs(memory, "walrus")).sort()).toEqual(["notes/a.md", "notes/b.md", "notes/c.md"]);
  });

  it("indexes MEMORY.md, daily and other notes, but not prompt files, inbox/, skills/, hidden folders or links", async () => {
    const memory = make();
    const outside = join(dir, "outside.md");
    await writeFile(outside, "narwhal outside the workspace\n");
    for (const path of ["MEMORY.md", "memory/2026-12-07.md", "projects/boat.md", "USER.md"]) {
      await put(root, path, `narwhal in ${path}\n`);
    }
    for (const path of [
      "SOUL.md",
      "AGENTS.md",
      "inbox/sent.md",
      "skills/x/SKILL.md",
      ".git/notes.md",
      "a/.hidden/b.md",
      "notes.txt",
    ]) {
      await put(root, path, `narwhal in ${path}\n`);
    }
    await symlink(outside, join(root, "link.md"));
    expect((await refs(memory, "narwhal")).sort()).toEqual([
      "MEMORY.md",
      "USER.md",
      "memory/2026-12-07.md",
      "projects/boat.md",
    ]);
  });

  it("cuts a long note into pieces, each hit naming its own lines", async () => {
    const memory = make();
    const lines = ["# Journal", ""];
    for (let day = 1; day <= 30; day++) {
      lines.push(
        `## Day ${day}`,
        `Walked ${day} km along the river; ${day === 17 ? "saw a heron" : "nothing special"}.`,
        "",
      );
    }
    await put(root, "journal.md", lines.join("\n"));
    const [hit] = await memory.search({ query: "heron" });
    expect(hit?.lines).toBeDefined();
    const text = lines.slice(hit!.lines!.from - 1, hit!.lines!.to).join("\n");
    expect(text).toContain("saw a heron");
    expect(hit!.lines!.to - hit!.lines!.from).toBeLessThan(40);
    expect(hit!.snippet).toContain("heron");
  });

  describe("turns from transcripts", () => {
    let sessions: SessionStore;
    let closeDb: () => void;
    beforeEach(() => {
      const db = openStateDb(join(dir, "state.db"));
      closeDb = () => db.close();
      sessions = createSqliteSessionStore({ db, dir: join(dir, "sessions"), clock });
    });
    afterEach(() => closeDb());

    const turnEntries = (
      n: number,
      user: string,
      answer: string,
      origin?: "heartbeat",
    ): TranscriptEntry[] => [
      {
        type: "message",
        id: `u${n}`,
        at: n * 1000,
        message: { role: "user", content: user },
        ...(origin && { origin }),
      },
      {
        type: "message",
        id: `a${n}a`,
        at: n * 1000 + 1,
        message: {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: `c${n}`, toolName: "read", input: { path: "x.md" } }],
        },
      },
      {
        type: "message",
        id: `t${n}`,
        at: n * 1000 + 2,
        message: {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: `c${n}`,
              toolName: "read",
              output: { type: "text", value: "tool output mentions pangolin" },
            },
          ],
        },
      },
      { type: "message", id: `a${n}b`, at: n * 1000 + 3, message: { role: "assistant", content: answer } },
    ];

    it("index() reads the words of past turns, not tool results or heartbeats", async () => {
      const memory = make({ sessions });
      const main = await sessions.open("agent:main:main");
      await sessions.append(main.sessionId, [
        ...turnEntries(1, "Where did I park the blue tandem?", "Level 3 of the station garage."),
        ...turnEntries(2, "Read HEARTBEAT.md and check in. tandem", "HEARTBEAT_OK", "heartbeat"),
      ]);
      const report = await memory.index();
      expect(report.indexed).toBeGreaterThanOrEqual(1);
      const hits = await memory.search({ query: "blue tandem parked garage" });
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ source: "transcript", ref: "agent:main:main", id: "u1", at: 1003 });
      expect(hits[0]!.snippet).toMatch(/tandem/);
      expect(await memory.search({ query: "pangolin" })).toEqual([]);
      expect((await memory.index()).indexed).toBe(0);
      expect(await memory.status()).toMatchObject({ transcripts: 1, indexedAt: clock.now() });
    });

    it("index() files a person's or a group's turns it never saw recorded under them, never under the owner", async () => {
      const memory = make({ sessions });
      const dm = await sessions.open("agent:main:telegram:dm:1001");
      await sessions.append(dm.sessionId, turnEntries(1, "My locker code is 4417.", "Noted."));
      const group = await sessions.open("agent:main:telegram:group:-100123");
      await sessions.append(group.sessionId, turnEntries(2, "The offsite moves to Porto.", "Noted."));
      await memory.index();
      expect(await memory.search({ query: "locker code" })).toEqual([]);
      expect(await memory.search({ query: "offsite Porto" })).toEqual([]);
      expect(await refs(memory, "locker code", "telegram:1001")).toEqual([dm.key]);
      expect(await refs(memory, "offsite Porto", "telegram:group:-100123")).toEqual([group.key]);
    });

    it("recordTurn reads the finished turn from its transcript, for its person, once", async () => {
      const memory = make({ sessions });
      const dm = await sessions.open("agent:main:telegram:dm:1001");
      await sessions.append(
        dm.sessionId,
        turnEntries(1, "I am allergic to hazelnuts.", "Noted, no hazelnuts."),
      );
      const turn = {
        sessionKey: dm.key,
        sessionId: dm.sessionId,
        actor: "telegram:1001",
        at: 5000,
        messages: [{ role: "user" as const, text: "I am allergic to hazelnuts." }],
      };
      await memory.recordTurn(turn);
      await memory.recordTurn(turn);
      expect(await memory.search({ query: "hazelnuts" })).toEqual([]); // not the owner's
      const hits = await memory.search({ query: "hazelnuts allergic", actor: "telegram:1001" });
      expect(hits.map((h) => [h.source, h.id])).toEqual([["transcript", "u1"]]);
      // The next turn in the same transcript is read on its own.
      await sessions.append(dm.sessionId, turnEntries(6, "And to walnuts.", "Walnuts noted as well."));
      await memory.recordTurn({ ...turn, at: 7000 });
      expect(await refs(memory, "walnuts", "telegram:1001")).toEqual([dm.key]);
      expect(await memory.search({ query: "hazelnuts", actor: "telegram:1001" })).toHaveLength(1);
    });
  });

  it("ranks by the rare words of a query, and still answers a query of only common ones", async () => {
    const memory = make();
    for (let i = 0; i < 120; i++)
      await put(root, `memory/day-${i}.md`, `# Day ${i}\nThe team meeting ran long.\n`);
    await put(root, "notes/zoo.md", "At the meeting we planned the okapi enclosure.\n");
    const hits = await memory.search({ query: "the meeting about the okapi" });
    expect(hits.map((h) => h.ref)).toEqual(["notes/zoo.md"]); // "the" and "meeting" are in every note
    expect(await memory.search({ query: "the meeting" })).toHaveLength(8);
    expect(await memory.search({ query: "meeting zeppelin" })).toHaveLength(8); // an unknown word is no filter
  });

  it("gives each hit its own snippet", async () => {
    const memory = make();
    for (const name of ["ant", "bee", "cat", "dog", "eel"])
      await put(root, `notes/${name}.md`, `bank note of the ${name}\n`);
    const hits = await memory.search({ query: "bank" });
    expect(hits).toHaveLength(5);
    for (const hit of hits) expect(hit.snippet).toContain(hit.ref.slice(6, 9));
  });

  it("keeps its index in memory.db across a restart", async () => {
    await put(root, "notes/x.md", "the okapi is a forest giraffe\n");
    const first = make();
    await first.index();
    await first.close();
    const again = make();
    expect(await again.index()).toEqual({ indexed: 0, removed: 0, unchanged: 1 });
    expect(await refs(again, "okapi")).toEqual(["notes/x.md"]);
    expect(await again.status()).toMatchObject({ backend: "local (SQLite FTS5)", notes: 1, transcripts: 0 });
  });
});
