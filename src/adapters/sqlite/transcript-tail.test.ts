import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CompactionEntry, MessageEntry, TranscriptEntry } from "../../core/transcript.ts";
import { visibleEntries } from "../../core/transcript-repair.ts";
import { parseTranscriptLines } from "./transcript-lines.ts";
import { readTranscriptTail } from "./transcript-tail.ts";

const message = (id: string, text = `text of ${id}`): MessageEntry => ({
  type: "message",
  id,
  at: 0,
  message: { role: "user", content: text },
});
const compaction = (id: string, firstKeptId: string | null): CompactionEntry => ({
  type: "compaction",
  id,
  at: 0,
  summary: `summary ${id}`,
  firstKeptId,
  tokensBefore: 1000,
  reason: "threshold",
});
const jsonl = (entries: TranscriptEntry[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join("");
const ids = (text: string) => parseTranscriptLines(text).entries.map((e) => e.id);

describe("reading a transcript from its last compaction on", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ac-tail-"));
    file = join(dir, "s.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the whole file when it holds no compaction, without its torn last line", () => {
    writeFileSync(file, `${jsonl([message("1"), message("2")])}{"type":"message","id":"tor`);
    const tail = readTranscriptTail(file, 16);
    expect(ids(tail.text)).toEqual(["1", "2"]);
    expect(tail.start).toBe(0);
  });

  it("starts at the last compaction's first kept entry, which lies before it", () => {
    const entries = [
      message("1"),
      compaction("c1", "1"),
      message("2"),
      message("3"),
      message("4"),
      compaction("c2", "3"),
      message("5"),
    ];
    writeFileSync(file, jsonl(entries));
    // Chunks far smaller than a line: every search crosses chunk boundaries.
    const tail = readTranscriptTail(file, 16);
    expect(ids(tail.text)).toEqual(["3", "4", "c2", "5"]);
    expect(tail.start).toBe(Buffer.byteLength(jsonl(entries.slice(0, 3))));
    const parsed = parseTranscriptLines(tail.text).entries;
    expect(visibleEntries(parsed)).toEqual(visibleEntries(entries));
  });

  it("starts at the compaction when it keeps nothing or its kept entry is not before it", () => {
    writeFileSync(file, jsonl([message("1"), message("2"), compaction("c", null), message("3")]));
    expect(ids(readTranscriptTail(file).text)).toEqual(["c", "3"]);
    writeFileSync(file, jsonl([message("1"), compaction("c", "gone"), message("3")]));
    expect(ids(readTranscriptTail(file).text)).toEqual(["c", "3"]);
  });

  it("is not fooled by a nested object or a message that mentions a compaction", () => {
    const toolOutput: MessageEntry = {
      type: "message",
      id: "t",
      at: 0,
      message: {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call",
            toolName: "read",
            output: { type: "json", value: { type: "compaction", firstKeptId: "2", id: "2" } },
          },
        ],
      },
    };
    const entries = [
      message("1"),
      compaction("c", "2"),
      message("2"),
      message("x", '{"type":"compaction","firstKeptId":null}'),
      toolOutput,
    ];
    writeFileSync(file, jsonl(entries));
    // The real compaction keeps "2", which is AFTER it: the tail starts at the compaction.
    expect(ids(readTranscriptTail(file, 32).text)).toEqual(["c", "2", "x", "t"]);
  });

  it("reads an empty file as nothing and throws ENOENT for a missing one", () => {
    writeFileSync(file, "");
    expect(readTranscriptTail(file)).toEqual({ text: "", start: 0, size: 0 });
    expect(() => readTranscriptTail(join(dir, "missing.jsonl"))).toThrow(/ENOENT/);
  });

  it("keeps multi-byte characters whole across chunk boundaries", () => {
    const entries = [message("1", "ü✓日本語".repeat(20)), compaction("c", "1"), message("2", "é".repeat(33))];
    writeFileSync(file, jsonl(entries));
    expect(parseTranscriptLines(readTranscriptTail(file, 7).text).entries).toEqual(entries);
  });
});
