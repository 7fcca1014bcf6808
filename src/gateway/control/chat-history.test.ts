import { describe, expect, it } from "vitest";
import { heartbeatPrompt } from "../../core/heartbeat/heartbeat-text.ts";
import type { InboundMessage } from "../../core/messages.ts";
import type { TranscriptEntry } from "../../core/transcript.ts";
import { userMessageText } from "../../core/turn/user-message.ts";
import { historyMessages } from "./chat-history.ts";

const now = "Monday, 7 December 2026, 10:00";
const user = (text: string): TranscriptEntry => ({
  type: "message",
  id: "u",
  at: 0,
  message: { role: "user", content: text },
});
const webMessage = (text: string): InboundMessage => ({
  id: "m",
  channel: "web",
  account: "default",
  chat: { id: "agent:main:main", kind: "dm" },
  sender: { id: "owner" },
  text,
  at: 0,
});

describe("chat.history's markers", () => {
  it("shows a person's message collected into a heartbeat's turn as the user's words, not as a marker", () => {
    const beat = heartbeatPrompt({ now, events: ['Scheduled job "pay": Pay rent'], checklist: false });
    const text = userMessageText([webMessage(beat), webMessage("Cancel the transfer to Eve now!")]);
    const [shown] = historyMessages([user(text)], 30);
    expect(shown?.origin).toBeUndefined();
    expect(shown?.text).toContain("Cancel the transfer to Eve now!");
  });

  it("still recognises an unmarked heartbeat of an older transcript, a reminder spanning lines included", () => {
    const events = ['Scheduled job "shop": Buy:\n milk\n eggs', 'Scheduled job "stretch": Stretch'];
    const [reminder, beat] = historyMessages(
      [
        user(heartbeatPrompt({ now, events, checklist: true })),
        user(heartbeatPrompt({ now, events: [], checklist: false })),
      ],
      30,
    );
    expect(reminder).toMatchObject({ origin: "reminder", text: events.join("\n") });
    expect(beat).toMatchObject({ origin: "heartbeat", text: "" });
  });
});
