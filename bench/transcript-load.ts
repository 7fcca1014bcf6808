// Load time of a 10,000-entry transcript through the local SessionStore: from disk (a store that has
// not seen it: read and parse the JSONL) and again (kept parsed while the file is unchanged).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateDb } from "../src/adapters/sqlite/db.ts";
import { createSqliteSessionStore } from "../src/adapters/sqlite/session-store.ts";
import type { TranscriptEntry } from "../src/core/transcript.ts";
import { createSystemClock } from "../src/util/system-clock.ts";
import { type Summary, summarize } from "./stats.ts";

export async function benchTranscriptLoad(
  entries = 10_000,
  loads = 30,
): Promise<{ cold: Summary; warm: Summary; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), "ac-bench-load-"));
  const db = openStateDb(join(dir, "state.db"));
  try {
    const store = createSqliteSessionStore({ db, dir: join(dir, "sessions"), clock: createSystemClock() });
    const session = await store.open("agent:main:bench");
    const batch: TranscriptEntry[] = [];
    for (let i = 0; i < entries; i++) {
      const role = i % 2 === 0 ? "user" : "assistant";
      batch.push({
        type: "message",
        id: `e${i}`,
        at: 1_790_000_000_000 + i,
        message: {
          role,
          content: `${role === "user" ? "Question" : "Answer"} number ${i}: ${"lorem ipsum dolor sit amet ".repeat(6)}`,
        },
        ...(role === "assistant" ? { usage: { inputTokens: 1000 + i, outputTokens: 50 } } : {}),
      });
      if (batch.length === 500) await store.append(session.sessionId, batch.splice(0));
    }
    if (batch.length) await store.append(session.sessionId, batch);
    const cold: number[] = [];
    const warm: number[] = [];
    let count = 0;
    for (let i = 0; i < loads + 5; i++) {
      // A new store knows nothing of the file: this is the first turn after a start.
      const fresh = createSqliteSessionStore({ db, dir: join(dir, "sessions"), clock: createSystemClock() });
      let start = performance.now();
      count = (await fresh.load(session.sessionId)).length;
      if (i >= 5) cold.push(performance.now() - start);
      start = performance.now();
      count = Math.min(count, (await fresh.load(session.sessionId)).length);
      if (i >= 5) warm.push(performance.now() - start);
    }
    if (count !== entries) throw new Error(`loaded ${count} entries, expected ${entries}`);
    const { statSync } = await import("node:fs");
    return {
      cold: summarize(cold),
      warm: summarize(warm),
      bytes: statSync(join(dir, "sessions", `${session.sessionId}.jsonl`)).size,
    };
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
