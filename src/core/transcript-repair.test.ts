import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "./transcript.ts";
import { INTERRUPTED_TOOL_RESULT, messagesForModel, summaryText } from "./transcript-repair.ts";

const e = (message: ModelMessage): TranscriptEntry => ({
  type: "message",
  id: Math.random().toString(),
  at: 0,
  message,
});
const call = (id: string, name = "exec"): ModelMessage => ({
  role: "assistant",
  content: [{ type: "tool-call", toolCallId: id, toolName: name, input: { command: "ls" } }],
});
const result = (id: string, name = "exec"): ModelMessage => ({
  role: "tool",
  content: [{ type: "tool-result", toolCallId: id, toolName: name, output: { type: "text", value: "ok" } }],
});

describe("transcript repair", () => {
  it("leaves a healthy transcript as it is", () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "list files" },
      call("c1"),
      result("c1"),
      { role: "assistant", content: "done" },
    ];
    expect(messagesForModel(messages.map(e))).toEqual(messages);
  });

  it("answers a dangling tool call left by a crash, before the next user message", () => {
    const out = messagesForModel([
      e({ role: "user", content: "run it" }),
      e(call("c1")),
      e({ role: "user", content: "hello?" }),
    ]);
    expect(out.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
    expect(out[2]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "c1",
          toolName: "exec",
          output: { type: "error-text", value: INTERRUPTED_TOOL_RESULT },
        },
      ],
    });
  });

  it("completes a partly answered set of parallel calls and repairs a dangling call at the very end", () => {
    const both: ModelMessage = {
      role: "assistant",
      content: [
        { type: "tool-call", toolCallId: "a", toolName: "read", input: {} },
        { type: "tool-call", toolCallId: "b", toolName: "exec", input: {} },
      ],
    };
    const out = messagesForModel([e({ role: "user", content: "go" }), e(both), e(result("a", "read"))]);
    expect(out).toHaveLength(3);
    const tool = out[2];
    expect(tool?.role).toBe("tool");
    expect(
      tool?.role === "tool" && tool.content.map((p) => (p.type === "tool-result" ? p.toolCallId : "")),
    ).toEqual(["a", "b"]);
  });

  it("drops a tool result whose call is unknown", () => {
    const out = messagesForModel([
      e({ role: "user", content: "hi" }),
      e(result("ghost")),
      e({ role: "assistant", content: "hello" }),
    ]);
    expect(out.map((m) => m.role)).toEqual(["user", "assistant"]);
  });
});

describe("what the model sees after a compaction", () => {
  const m = (id: string, message: ModelMessage, silent?: true): TranscriptEntry => ({
    type: "message",
    id,
    at: 0,
    message,
    ...(silent && { silent }),
  });
  const compaction = (firstKeptId: string | null, summary = "They like tea."): TranscriptEntry => ({
    type: "compaction",
    id: `c-${firstKeptId}`,
    at: 0,
    summary,
    firstKeptId,
    tokensBefore: 1000,
    reason: "threshold",
  });

  it("starts with the summary, then the kept messages and what followed; older ones are gone", () => {
    const out = messagesForModel([
      m("1", { role: "user", content: "old question" }),
      m("2", { role: "assistant", content: "old answer" }),
      m("3", { role: "user", content: "kept question" }),
      m("4", { role: "assistant", content: "kept answer" }),
      compaction("3"),
      m("5", { role: "user", content: "new question" }),
    ]);
    expect(out).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: summaryText("They like tea.") },
          { type: "text", text: "kept question" },
        ],
      },
      { role: "assistant", content: "kept answer" },
      { role: "user", content: "new question" },
    ]);
  });

  it("uses only the last compaction, and a null firstKeptId keeps nothing before it", () => {
    const out = messagesForModel([
      m("1", { role: "user", content: "a" }),
      compaction("1", "first summary"),
      m("2", { role: "assistant", content: "b" }),
      compaction(null, "second summary"),
      m("3", { role: "assistant", content: "c" }),
    ]);
    expect(out).toEqual([
      { role: "user", content: summaryText("second summary") },
      { role: "assistant", content: "c" },
    ]);
  });

  it("never replays silent (memory flush) entries", () => {
    const out = messagesForModel([
      m("1", { role: "user", content: "hi" }),
      m("2", { role: "user", content: "write your memory" }, true),
      m("3", call("f1", "write"), true),
      m("4", result("f1", "write"), true),
      m("5", { role: "assistant", content: "hello" }),
    ]);
    expect(out).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
  });

  it("gives the same messages for a suffix that starts at the first kept entry", () => {
    const all = [
      m("1", { role: "user", content: "old" }),
      m("2", { role: "user", content: "kept" }),
      compaction("2"),
      m("3", { role: "assistant", content: "after" }),
    ];
    expect(messagesForModel(all.slice(1))).toEqual(messagesForModel(all));
  });
});
