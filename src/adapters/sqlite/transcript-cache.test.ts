import { describe, expect, it } from "vitest";
import type { CompactionEntry, TranscriptEntry } from "../../core/transcript.ts";
import { estimateParsedBytes } from "./parsed-size.ts";
import { createTranscriptCache } from "./transcript-cache.ts";

const entry = (id: string, text = id): TranscriptEntry => ({
  type: "message",
  id,
  at: 0,
  message: { role: "user", content: text },
});
const compaction = (id: string, firstKeptId: string | null): CompactionEntry => ({
  type: "compaction",
  id,
  at: 0,
  summary: "s",
  firstKeptId,
  tokensBefore: 0,
  reason: "threshold",
});
/** What one cached transcript of these entries costs: the list, then one slot and the entry each. */
const cost = (entries: TranscriptEntry[]) =>
  48 + entries.reduce((sum, e) => sum + 8 + estimateParsedBytes(e), 0);

describe("the transcript cache", () => {
  it("answers only for the file size it was filled at", () => {
    const cache = createTranscriptCache();
    cache.set("s", [entry("a")], 100);
    expect(cache.get("s", 100)).toEqual([entry("a")]);
    expect(cache.get("s", 120)).toBeNull(); // someone else appended
  });

  it("follows appends of exactly the bytes it was told, and forgets on any other growth", () => {
    const cache = createTranscriptCache();
    cache.set("s", [entry("a")], 100);
    cache.appended("s", [entry("b")], 50, 150);
    expect(cache.get("s", 150)?.map((e) => e.id)).toEqual(["a", "b"]);
    cache.appended("s", [entry("c")], 50, 230); // 30 bytes from another writer in between
    expect(cache.get("s", 230)).toBeNull();
  });

  it("hands out a new array each time, so a caller's push does not reach the cache", () => {
    const cache = createTranscriptCache();
    cache.set("s", [entry("a")], 10);
    cache.get("s", 10)!.push(entry("x"));
    expect(cache.get("s", 10)).toHaveLength(1);
  });

  it("counts the estimated memory of the parsed entries, not their file bytes", () => {
    const cache = createTranscriptCache();
    const entries = [entry("a", "x".repeat(1000)), entry("b", "✓".repeat(1000))];
    cache.set("s", entries.slice(), 10); // a file size far below what the entries cost in memory
    expect(cache.memory).toBe(cost(entries));
    // Two bytes per character once a string holds one outside Latin-1.
    expect(estimateParsedBytes("✓".repeat(1000)) - estimateParsedBytes("x".repeat(1000))).toBe(1000);
    cache.appended("s", [entry("c")], 5, 15);
    expect(cache.memory).toBe(cost([...entries, entry("c")]));
    cache.forget("s");
    expect(cache.memory).toBe(0);
  });

  it("evicts the least recently used transcripts beyond its memory budget, and skips one too large", () => {
    const one = cost([entry("a")]);
    const cache = createTranscriptCache(3 * one);
    cache.set("a", [entry("a")], 100);
    cache.set("b", [entry("b")], 100);
    cache.set("c", [entry("c")], 100);
    cache.get("a", 100); // a is now the most recently used
    cache.set("d", [entry("d")], 100);
    expect(cache.get("b", 100)).toBeNull();
    expect(cache.get("a", 100)).not.toBeNull();
    expect(cache.memory).toBe(3 * one);
    cache.set("huge", [entry("h", "h".repeat(3 * one))], 1);
    expect(cache.get("huge", 1)).toBeNull();
    expect(cache.memory).toBeLessThanOrEqual(3 * one);
  });

  it("evicts a transcript that outgrows the budget by appends", () => {
    const cache = createTranscriptCache(cost([entry("a"), entry("b")]));
    cache.set("s", [entry("a")], 10);
    cache.appended("s", [entry("b")], 10, 20);
    expect(cache.get("s", 20)).toHaveLength(2);
    cache.appended("s", [entry("c")], 10, 30);
    expect(cache.get("s", 30)).toBeNull();
    expect(cache.memory).toBe(0);
  });

  it("drops what an appended compaction replaced, and then answers only for the file's end", () => {
    const cache = createTranscriptCache();
    const old = [entry("1", "o".repeat(5000)), entry("2"), entry("3")];
    cache.set("s", old, 100);
    cache.appended("s", [compaction("c", "2"), entry("4")], 40, 140);
    expect(cache.get("s", 140)?.map((e) => e.id)).toEqual(["2", "3", "c", "4"]);
    expect(cache.memory).toBe(cost([entry("2"), entry("3"), compaction("c", "2"), entry("4")]));
    // A reader of the whole file (history, doctor) must read it again.
    expect(cache.get("s", 140, { whole: true })).toBeNull();
  });

  it("keeps the whole file for whole readers while no compaction cut it", () => {
    const cache = createTranscriptCache();
    cache.set("s", [entry("1")], 10, false);
    expect(cache.get("s", 10, { whole: true })).toBeNull();
    expect(cache.get("s", 10)).toHaveLength(1);
    cache.set("s", [entry("1")], 10);
    expect(cache.get("s", 10, { whole: true })).toHaveLength(1);
  });
});
