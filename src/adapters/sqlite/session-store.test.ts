// SQLite session store: the contract, plus crash safety of JSONL transcripts (a writer killed with
// SIGKILL mid-line), torn and corrupt lines, reset/forget files, and ordering of concurrent appends.
import { spawn } from "node:child_process";
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isMessageEntry, type TranscriptEntry } from "../../core/transcript.ts";
import { sessionStoreContract } from "../../ports/session-store.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteSessionStore } from "./session-store.ts";

sessionStoreContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-sessions-"));
  const db = openStateDb(join(dir, "state.db"));
  const clock = createFakeClock();
  return {
    store: createSqliteSessionStore({ db, dir: join(dir, "sessions"), clock }),
    clock,
    cleanup: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const entry = (id: string, content = `text ${id}`): TranscriptEntry => ({
  type: "message",
  id,
  at: 0,
  message: { role: "user", content },
});
const line = (e: TranscriptEntry) => `${JSON.stringify(e)}\n`;

// Appends JSONL lines the way a crashing writer would: each line in two writes. In "hang" mode it
// stops half way through line 200 and waits to be killed; in "run" mode it keeps going.
const WRITER = `
import { openSync, writeSync } from "node:fs";
const [file, mode] = process.argv.slice(2);
const fd = openSync(file, "a");
const pad = "y".repeat(3000);
for (let i = 0; ; i++) {
  const line = JSON.stringify({ type: "message", id: String(i), at: i, message: { role: "user", content: pad } }) + "\\n";
  const cut = line.length >> 1;
  writeSync(fd, line.slice(0, cut));
  if (i === 200) {
    process.stdout.write("ready\\n");
    if (mode === "hang") setInterval(() => {}, 1000);
    if (mode === "hang") break;
  }
  writeSync(fd, line.slice(cut));
}
`;

describe("sqlite session store: transcripts on disk", () => {
  let dir: string;
  let sessions: string;
  let db: DatabaseSync;
  const clock = createFakeClock();
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-sessions-"));
    sessions = join(dir, "sessions");
    db = openStateDb(join(dir, "state.db"));
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function killWriterMidAppend(file: string, mode: "hang" | "run"): Promise<void> {
    const script = join(dir, "writer.mjs");
    await writeFile(script, WRITER);
    const child = spawn(process.execPath, [script, file, mode], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once("data", () => resolve());
      child.once("exit", () => reject(new Error("writer exited before it was ready")));
    });
    child.kill("SIGKILL");
    expect(await exited).toBeNull(); // killed by a signal, not exited
  }

  for (const mode of ["hang", "run"] as const) {
    it(`reads a transcript whose writer was SIGKILLed mid-append (${mode}), then appends cleanly`, async () => {
      const store = createSqliteSessionStore({ db, dir: sessions, clock });
      const { sessionId } = await store.open("agent:main:main");
      const file = join(sessions, `${sessionId}.jsonl`);
      await killWriterMidAppend(file, mode);

      const raw = await readFile(file, "utf8");
      const complete = raw.split("\n").length - 1;
      if (mode === "hang") expect(raw.endsWith("\n")).toBe(false);
      const loaded = await store.load(sessionId);
      expect(loaded.length).toBe(complete);
      expect(loaded.length).toBeGreaterThanOrEqual(200);
      expect(loaded.map((e) => e.id)).toEqual(loaded.map((_, i) => String(i)));

      await store.append(sessionId, [entry("after-crash")]);
      const reloaded = await store.load(sessionId);
      expect(reloaded).toHaveLength(complete + 1);
      expect(reloaded.at(-1)?.id).toBe("after-crash");
      expect((await readFile(file, "utf8")).split("\n")).toHaveLength(complete + 2);
    });
  }

  it("keeps transcripts private: the folder 0700 and each file 0600 under umask 022", async () => {
    const umask = process.umask(0o022);
    try {
      const store = createSqliteSessionStore({ db, dir: sessions, clock });
      const { sessionId } = await store.open("k");
      await store.append(sessionId, [entry("1")]);
      expect((await stat(join(sessions, `${sessionId}.jsonl`))).mode & 0o777).toBe(0o600);
      expect((await stat(sessions)).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(umask);
    }
  });

  it("drops an unterminated last line, even one that parses, and never glues onto it", async () => {
    const store = createSqliteSessionStore({ db, dir: sessions, clock });
    const { sessionId } = await store.open("k");
    const file = join(sessions, `${sessionId}.jsonl`);
    await writeFile(file, line(entry("1")) + JSON.stringify(entry("unacked")));
    expect((await store.load(sessionId)).map((e) => e.id)).toEqual(["1"]);
    await store.append(sessionId, [entry("2"), entry("3")]);
    expect((await store.load(sessionId)).map((e) => e.id)).toEqual(["1", "2", "3"]);
  });

  it("skips and reports a corrupt line in the middle instead of throwing", async () => {
    const reports: Array<{ sessionId: string; file: string; lines: number[] }> = [];
    const store = createSqliteSessionStore({
      db,
      dir: sessions,
      clock,
      onCorruptLines: (r) => reports.push(r),
    });
    const { sessionId } = await store.open("k");
    await store.append(sessionId, [entry("1")]);
    await appendFile(join(sessions, `${sessionId}.jsonl`), '{"type":"mess\n42\n');
    await store.append(sessionId, [entry("2")]);
    expect((await store.load(sessionId)).map((e) => e.id)).toEqual(["1", "2"]);
    expect(reports).toEqual([{ sessionId, file: join(sessions, `${sessionId}.jsonl`), lines: [2, 3] }]);
  });

  it("keeps concurrent appends whole and in call order, even past one write chunk", async () => {
    const store = createSqliteSessionStore({ db, dir: sessions, clock });
    const { sessionId } = await store.open("k");
    const big = "z".repeat(700_000);
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.append(sessionId, [entry(String(i), big)])));
    const loaded = await store.load(sessionId);
    expect(loaded.map((e) => e.id)).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(loaded.every((e) => isMessageEntry(e) && e.message.content === big)).toBe(true);
  });

  it("reset keeps the old transcript as <id>.jsonl.reset.<time>, still loadable; forget deletes every file of the key", async () => {
    let n = 0;
    const store = createSqliteSessionStore({ db, dir: sessions, clock, newId: () => `s${++n}` });
    const first = await store.open("k");
    await store.append(first.sessionId, [entry("old")]);
    const other = await store.open("other");
    await store.append(other.sessionId, [entry("keep")]);
    const fresh = await store.reset("k");
    await store.append(fresh!.sessionId, [entry("new")]);
    expect((await readdir(sessions)).sort()).toEqual([
      "s1.jsonl.reset.2026-11-22T09-00-00.000Z",
      "s2.jsonl",
      "s3.jsonl",
    ]);
    // Still readable by its id (sessions history, memory), from the renamed file.
    expect((await store.load("s1")).map((e) => e.id)).toEqual(["old"]);
    await store.reset("k", { forget: true });
    expect(await readdir(sessions)).toEqual(["s2.jsonl"]);
    expect(await store.load("s1")).toEqual([]);
    expect((await store.list()).map((s) => s.key)).toEqual(["other"]);
  });

  it("refuses session ids that could name a file outside the folder", async () => {
    const store = createSqliteSessionStore({ db, dir: sessions, clock });
    await expect(store.append("../escape", [entry("1")])).rejects.toThrow(/invalid session id/);
    expect(await store.load("../../etc/passwd")).toEqual([]);
    const bad = createSqliteSessionStore({ db, dir: sessions, clock, newId: () => "a/b" });
    await expect(bad.open("x")).rejects.toThrow(/unsafe id/);
  });
});
