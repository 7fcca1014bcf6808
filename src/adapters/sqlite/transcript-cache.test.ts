import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../../core/transcript.ts";
import { createTranscriptCache } from "./transcript-cache.ts";

const entry = (id: string): TranscriptEntry => ({
  type: "message",
  id,
  at: 0,
  message: { role: "user", content: id },
});

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

  it("evicts the least recently used transcripts beyond its byte budget, and skips one too large", () => {
    const cache = createTranscriptCache(300);
    cache.set("a", [entry("a")], 100);
    cache.set("b", [entry("b")], 100);
    cache.set("c", [entry("c")], 100);
    cache.get("a", 100); // a is now the most recently used
    cache.set("d", [entry("d")], 100);
    expect(cache.get("b", 100)).toBeNull();
    expect(cache.get("a", 100)).not.toBeNull();
    cache.set("huge", [entry("h")], 301);
    expect(cache.get("huge", 301)).toBeNull();
  });
});
