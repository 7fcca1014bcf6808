// `agent-claw sessions show` on a transcript with heartbeat and reminder turns: their prompts appear
// as a small marker (with the reminder's words), not as the user's message; old transcripts whose
// entries carry no mark are recognised by the prompt's wording.
import { describe, expect, it } from "vitest";
import { heartbeatPrompt } from "../../src/core/heartbeat/heartbeat-text.ts";
import type { MessageEntry, TranscriptEntry } from "../../src/core/transcript.ts";
import { openLocalAssistant } from "../../src/engines/local/assistant.ts";
import { runCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

const at = Date.UTC(2026, 11, 7, 9, 0);
const user = (id: string, text: string, origin?: MessageEntry["origin"]): TranscriptEntry => ({
  type: "message",
  id,
  at,
  message: { role: "user", content: text },
  ...(origin && { origin }),
});
const assistant = (id: string, text: string): TranscriptEntry => ({
  type: "message",
  id,
  at,
  message: { role: "assistant", content: [{ type: "text", text }] },
});

describe("agent-claw sessions show", () => {
  it("shows heartbeat and reminder turns as markers and the assistant's relay as its message", async () => {
    const local = await openLocalAssistant({ env: world.env });
    try {
      const session = await local.ports.sessions.open("agent:main:main");
      const now = "Monday, 7 December 2026, 10:00";
      await local.ports.sessions.append(session.sessionId, [
        user(
          "1",
          heartbeatPrompt({ now, events: ['Scheduled job "stretch": Stretch'], checklist: false }),
          "reminder",
        ),
        assistant("2", "Time to stretch your legs!"),
        // Written before entries were marked: recognised by its wording.
        user("3", heartbeatPrompt({ now, events: [], checklist: true })),
        assistant("4", "HEARTBEAT_OK"),
        user("5", "thanks"),
      ]);
    } finally {
      await local.close();
    }
    const { stdout, stderr, code } = await runCli(["sessions", "show", "main"], world.env);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[reminder\] 2026-12-07 09:00:00\nScheduled job "stretch": Stretch\n\n/);
    expect(stdout).toMatch(
      /assistant .*\nTime to stretch your legs!\n\n\[heartbeat\] 2026-12-07 09:00:00\n\n/,
    );
    expect(stdout).toMatch(/user .*\nthanks\n/);
    expect(stdout).not.toContain("This is not the user writing");
    expect(stdout).not.toContain("reply with exactly");
  });

  it("prints a message's lines but none of its terminal escape sequences", async () => {
    const local = await openLocalAssistant({ env: world.env });
    try {
      const session = await local.ports.sessions.open("agent:main:main");
      await local.ports.sessions.append(session.sessionId, [
        user("1", "hello\nsecond line\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\u001b[31mred"),
      ]);
    } finally {
      await local.close();
    }
    const { stdout, code } = await runCli(["sessions", "show", "main"], world.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/user .*\nhello\nsecond line\]52;c;cm0gLXJmIH4=\[2J\[31mred\n/);
    expect(stdout).not.toMatch(/[\u001b\u0007]/);
  });
});
