// Reasoning survives the loop: a step's thinking, with the signature the provider streamed after it,
// is persisted with the step and sent back on the next call, as Anthropic requires with tool use.
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Workspace } from "../../ports/workspace.ts";
import type { AgentTool } from "../../tools/tool.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { runAgentLoop } from "./agent-loop.ts";
import { assistantMessage } from "./assistant-message.ts";

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

const thinkingThenTool: LanguageModelV4StreamPart[] = [
  { type: "reasoning-start", id: "r1" },
  { type: "reasoning-delta", id: "r1", delta: "I should look " },
  { type: "reasoning-delta", id: "r1", delta: "at the clock." },
  { type: "reasoning-delta", id: "r1", delta: "", providerMetadata: { anthropic: { signature: "sig-1" } } },
  { type: "reasoning-end", id: "r1" },
  {
    type: "tool-call",
    toolCallId: "t1",
    toolName: "clock",
    input: "{}",
    providerMetadata: { google: { thoughtSignature: "ts-1" } },
  },
  { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_use" }, usage },
];
const answer: LanguageModelV4StreamPart[] = [
  { type: "text-start", id: "x" },
  { type: "text-delta", id: "x", delta: "Nine." },
  { type: "text-end", id: "x" },
  { type: "finish", finishReason: { unified: "stop", raw: "end_turn" }, usage },
];

const clockTool: AgentTool = {
  name: "clock",
  description: "The time.",
  input: z.object({}),
  run: async () => ({ text: "09:00" }),
};

describe("assistant messages", () => {
  it("keeps a step's reasoning and its signature in the transcript and sends them back next step", async () => {
    const calls: LanguageModelV4CallOptions[] = [];
    const model = new MockLanguageModelV4({
      doStream: async (options) => {
        calls.push(options);
        return { stream: convertArrayToReadableStream(calls.length === 1 ? thinkingThenTool : answer) };
      },
    });
    const persisted: ModelMessage[] = [];
    const controller = new AbortController();
    const clock = createFakeClock();
    await runAgentLoop({
      model,
      system: "sys",
      messages: [{ role: "user", content: "time?" }],
      tools: [clockTool],
      maxSteps: 3,
      toolContext: {
        workspace: {} as Workspace,
        clock,
        signal: controller.signal,
        approve: async () => false,
      },
      signal: controller.signal,
      onMessages: async (messages) => void persisted.push(...messages),
    });
    const expected = {
      role: "assistant",
      content: [
        {
          type: "reasoning",
          text: "I should look at the clock.",
          providerOptions: { anthropic: { signature: "sig-1" } },
        },
        {
          type: "tool-call",
          toolCallId: "t1",
          toolName: "clock",
          input: {},
          providerOptions: { google: { thoughtSignature: "ts-1" } },
        },
      ],
    };
    expect(persisted[0]).toEqual(expected);
    expect(calls[1]!.prompt[2]).toEqual(expected);
    expect(persisted.at(-1)).toEqual({ role: "assistant", content: "Nine." });
  });

  it("keeps plain text as a string and drops empty reasoning blocks", () => {
    expect(assistantMessage("hi", [], [{ text: "" }])).toEqual({ role: "assistant", content: "hi" });
    expect(assistantMessage("", [], [])).toBeNull();
  });
});
