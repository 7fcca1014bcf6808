import { describe, expect, it } from "vitest";
import { heartbeatPrompt } from "../core/heartbeat/heartbeat-text.ts";
import { internalTurnJob, type TurnJob } from "../core/intake/turn-job.ts";
import type { OutboxRecord } from "../ports/outbox.ts";
import { WEB_CHANNEL } from "./control/chat-methods.ts";
import { noticeFor } from "./event-hub.ts";

const MAIN = "agent:main:main";
const beat = internalTurnJob({
  id: "heartbeat:1",
  sessionKey: MAIN,
  channel: { channel: "heartbeat", chatKind: "dm", description: "a heartbeat", interactive: false },
  sender: "heartbeat",
  chatId: MAIN,
  text: heartbeatPrompt({ now: "10:00", events: ['Scheduled job "pay": Pay rent'], checklist: false }),
  at: 0,
  origin: "reminder",
});
const typed: TurnJob = {
  id: "ws:1",
  sessionKey: MAIN,
  message: {
    id: "ws:1",
    channel: "web",
    account: "default",
    chat: { id: MAIN, kind: "dm" },
    sender: { id: "owner" },
    text: "Did I pay the rent?",
    at: 0,
  },
  channel: WEB_CHANNEL,
};
const outcome = (key: string): OutboxRecord => ({
  key,
  sessionKey: MAIN,
  status: "done",
  reply: "Time to pay the rent. And no, not yet.",
  usage: { inputTokens: 1, outputTokens: 1 },
  createdAt: 0,
});

describe("notices of turns no person started", () => {
  it("tells the web chats of a reminder's turn, with what it relays and the reply", () => {
    expect(noticeFor(outcome(beat.id), beat, 30, [beat])).toMatchObject({
      origin: "reminder",
      note: 'Scheduled job "pay": Pay rent',
      reply: "Time to pay the rent. And no, not yet.",
    });
  });

  it("sends none when a person's message was answered in the same turn, so its reply is not shown twice", () => {
    expect(noticeFor(outcome(beat.id), beat, 30, [beat, typed])).toBeUndefined();
    expect(noticeFor(outcome(typed.id), typed, 30, [beat, typed])).toBeUndefined();
  });
});
