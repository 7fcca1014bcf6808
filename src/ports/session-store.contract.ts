// The suite every SessionStore adapter must pass.
import { describe, expect, it } from "vitest";
import { useHarness } from "./contract-harness.ts";
import type { MessageEntry, TranscriptEntry } from "../core/transcript.ts";
import { visibleEntries } from "../core/transcript-repair.ts";
import type { FakeClock } from "../util/fake-clock.ts";
import type { SessionStore } from "./session-store.ts";

export interface SessionStoreHarness {
  store: SessionStore;
  clock: FakeClock;
  cleanup(): Promise<void>;
}

const entry = (id: string, role: "user" | "assistant", text: string, at = 0): TranscriptEntry => ({
  type: "message",
  id,
  at,
  message: { role, content: text },
});

export function sessionStoreContract(name: string, make: () => Promise<SessionStoreHarness>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const open = useHarness(make);

    it("opens a session once per key, and concurrent opens agree", async () => {
      const { store, clock } = await open();
      expect(await store.get("agent:main:main")).toBeNull();
      const all = await Promise.all(Array.from({ length: 5 }, () => store.open("agent:main:main")));
      expect(new Set(all.map((s) => s.sessionId)).size).toBe(1);
      expect(all[0]).toMatchObject({
        key: "agent:main:main",
        createdAt: clock.now(),
        updatedAt: clock.now(),
        turns: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
      });
      expect(await store.get("agent:main:main")).toEqual(all[0]);
    });

    it("appends transcript entries in order and loads them back", async () => {
      const { store } = await open();
      const s = await store.open("k");
      await store.append(s.sessionId, [entry("1", "user", "hi")]);
      await store.append(s.sessionId, [entry("2", "assistant", "hello"), entry("3", "user", "ünïcode ✓")]);
      const loaded = await store.load(s.sessionId);
      expect(loaded.map((e) => e.id)).toEqual(["1", "2", "3"]);
      expect((loaded[2] as MessageEntry | undefined)?.message).toEqual({
        role: "user",
        content: "ünïcode ✓",
      });
      expect(await store.load("no-such-session")).toEqual([]);
    });

    it("shows unsynced appends to load, in order with synced ones, and syncs on request", async () => {
      const { store } = await open();
      const s = await store.open("k");
      await store.append(s.sessionId, [entry("1", "user", "hi")], { sync: false });
      await store.append(s.sessionId, [entry("2", "assistant", "hello")], { sync: false });
      await store.append(s.sessionId, [entry("3", "user", "and?")]);
      await store.append(s.sessionId, [entry("4", "assistant", "that is all")], { sync: false });
      await store.sync(s.sessionId);
      await store.sync("no-such-session");
      expect((await store.load(s.sessionId)).map((e) => e.id)).toEqual(["1", "2", "3", "4"]);
    });

    it("keeps large transcripts whole", async () => {
      const { store } = await open();
      const s = await store.open("big");
      const long = "x".repeat(300_000);
      await store.append(s.sessionId, [entry("1", "user", long)]);
      const batch = Array.from({ length: 200 }, (_, i) => entry(`b${i}`, "assistant", `reply ${i}`));
      await store.append(s.sessionId, batch);
      const loaded = await store.load(s.sessionId);
      expect(loaded).toHaveLength(201);
      expect((loaded[0] as MessageEntry | undefined)?.message.content).toBe(long);
      expect(loaded[200]?.id).toBe("b199");
    });

    it("loads for a turn at least what the model sees after the last compaction", async () => {
      const { store } = await open();
      const s = await store.open("compacted");
      const compaction: TranscriptEntry = {
        type: "compaction",
        id: "c",
        at: 0,
        summary: "earlier",
        firstKeptId: "3",
        tokensBefore: 100,
        reason: "threshold",
      };
      const before = ["1", "2", "3", "4"].map((id) => entry(id, "user", `m${id}`));
      await store.append(s.sessionId, [...before, compaction, entry("5", "assistant", "after")]);
      const all = await store.load(s.sessionId);
      const recent = await store.load(s.sessionId, { sinceCompaction: true });
      // A suffix of the whole (an adapter may return all of it) that starts at or before the kept entry.
      expect(all.slice(all.length - recent.length)).toEqual(recent);
      expect(recent.map((e) => e.id)).toEqual(expect.arrayContaining(["3", "4", "c", "5"]));
      expect(visibleEntries(recent)).toEqual(visibleEntries(all));
      expect(await store.load("no-such-session", { sinceCompaction: true })).toEqual([]);
    });

    it("records turns and usage, and lists most recent first", async () => {
      const { store, clock } = await open();
      await store.open("old");
      await clock.advance(1_000);
      await store.open("new");
      await clock.advance(1_000);
      const updated = await store.recordTurn("old", { inputTokens: 10, outputTokens: 5 });
      await store.recordTurn("old", { inputTokens: 1, outputTokens: 2 });
      expect(updated).toMatchObject({ turns: 1, updatedAt: clock.now() });
      expect(await store.get("old")).toMatchObject({ turns: 2, usage: { inputTokens: 11, outputTokens: 7 } });
      expect((await store.list()).map((s) => s.key)).toEqual(["old", "new"]);
      expect(await store.recordTurn("unknown", { inputTokens: 1, outputTokens: 1 })).toBeNull();
    });

    it("keeps the transcripts resets leave behind, listed oldest first and still readable", async () => {
      const { store, clock } = await open();
      const first = await store.open("k");
      expect(await store.history("k")).toEqual([]);
      await store.append(first.sessionId, [entry("1", "user", "yesterday")]);
      await clock.advance(1_000);
      const second = await store.reset("k");
      await store.append(second!.sessionId, [entry("2", "user", "today")]);
      await clock.advance(1_000);
      await store.reset("k");
      expect(await store.history("k")).toEqual([
        { sessionId: first.sessionId, endedAt: clock.now() - 1_000 },
        { sessionId: second!.sessionId, endedAt: clock.now() },
      ]);
      expect((await store.load(first.sessionId)).map((e) => e.id)).toEqual(["1"]);
      expect((await store.load(second!.sessionId)).map((e) => e.id)).toEqual(["2"]);
      expect(await store.history("never-seen")).toEqual([]);
    });

    it("reset starts a fresh transcript; forget removes the session", async () => {
      const { store } = await open();
      const s = await store.open("k");
      await store.append(s.sessionId, [entry("1", "user", "remember me")]);
      await store.recordTurn("k", { inputTokens: 3, outputTokens: 3 });
      const fresh = await store.reset("k");
      expect(fresh?.sessionId).not.toBe(s.sessionId);
      expect(fresh).toMatchObject({ turns: 0, usage: { inputTokens: 0, outputTokens: 0 } });
      expect(await store.load(fresh!.sessionId)).toEqual([]);
      expect((await store.open("k")).sessionId).toBe(fresh?.sessionId);
      expect(await store.reset("k", { forget: true })).toBeNull();
      expect(await store.history("k")).toEqual([]);
      expect(await store.get("k")).toBeNull();
      expect(await store.reset("never-seen")).toBeNull();
    });
  });
}
