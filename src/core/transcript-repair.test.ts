import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "./transcript.ts";
import { INTERRUPTED_TOOL_RESULT, messagesForModel } from "./transcript-repair.ts";

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
