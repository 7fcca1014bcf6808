// Turns as memory keeps them: the person's words and the answer, without tools, silent flushes or summaries.
import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../transcript.ts";
import { transcriptTurns, turnText } from "./transcript-turns.ts";

const user = (id: string, at: number, text: string, extra: object = {}): TranscriptEntry => ({
  type: "message",
  id,
  at,
  message: { role: "user", content: text },
  ...extra,
});
const assistant = (id: string, at: number, text: string, extra: object = {}): TranscriptEntry => ({
  type: "message",
  id,
  at,
  message: { role: "assistant", content: [{ type: "text", text }] },
  ...extra,
});

describe("transcriptTurns", () => {
  it("pairs each person's message with the answer, skipping summaries and a silent flush inside the turn", () => {
    const entries: TranscriptEntry[] = [
      assistant("x", 1, "an answer before any question is skipped"),
      {
        type: "compaction",
        id: "c",
        at: 2,
        summary: "Earlier: teal.",
        firstKeptId: null,
        tokensBefore: 9,
        reason: "threshold",
      },
      user("u1", 3, "Book the ferry."),
      user("f", 4, "[Memory flush] write durable facts", { origin: "flush", silent: true }),
      assistant("fa", 5, "NO_REPLY", { silent: true }),
      assistant("a1", 6, "Booked for Friday."),
      user("h", 7, "Heartbeat check", { origin: "heartbeat" }),
      assistant("ha", 8, "HEARTBEAT_OK"),
    ];
    const turns = transcriptTurns(entries);
    expect(turns).toEqual([
      {
        id: "u1",
        at: 6,
        internal: false,
        messages: [
          { role: "user", text: "Book the ferry." },
          { role: "assistant", text: "Booked for Friday." },
        ],
      },
      {
        id: "h",
        at: 8,
        internal: true,
        messages: [
          { role: "user", text: "Heartbeat check" },
          { role: "assistant", text: "HEARTBEAT_OK" },
        ],
      },
    ]);
    expect(turnText(turns[0]!.messages)).toBe("user: Book the ferry.\nassistant: Booked for Friday.");
  });
});
