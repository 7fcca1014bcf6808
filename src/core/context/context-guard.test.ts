import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema.ts";
import type { TranscriptEntry } from "../transcript.ts";
import { cutPoints, planCompaction } from "./compaction-plan.ts";
import { needsCompaction } from "./compact-session.ts";
import { contextLimits } from "./compaction-settings.ts";
import { chunkBlocks } from "./summarise.ts";
import { chainContextWindow, contextWindowOf, messageTokens, UNKNOWN_MODEL_WINDOW } from "./tokens.ts";
import { capToolResult } from "./tool-result-cap.ts";

let n = 0;
const m = (message: ModelMessage): TranscriptEntry & { type: "message" } => ({
  type: "message",
  id: `e${++n}`,
  at: 0,
  message,
});
const call = (id: string): ModelMessage => ({
  role: "assistant",
  content: [{ type: "tool-call", toolCallId: id, toolName: "read", input: { path: "a.md" } }],
});
const result = (id: string, text = "ok"): ModelMessage => ({
  role: "tool",
  content: [{ type: "tool-result", toolCallId: id, toolName: "read", output: { type: "text", value: text } }],
});

describe("context windows and token estimates", () => {
  it("plans a turn for the smallest window among the models that may answer it (failover's chain)", () => {
    expect(chainContextWindow(["anthropic/claude-sonnet-4-5"])).toBe(200_000);
    expect(chainContextWindow(["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"])).toBe(128_000);
    expect(chainContextWindow(["openai/gpt-5-mini", "ollama/some-local-model"])).toBe(UNKNOWN_MODEL_WINDOW);
  });

  it("knows the common models' windows, and the config wins", () => {
    expect(contextWindowOf("anthropic/claude-sonnet-4-5")).toBe(200_000);
    expect(contextWindowOf("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe(200_000);
    expect(contextWindowOf("openai/gpt-4o-mini")).toBe(128_000);
    expect(contextWindowOf("openai/gpt-5-mini")).toBe(400_000);
    expect(contextWindowOf("bedrock/amazon.nova-pro-v1:0")).toBe(300_000);
    expect(contextWindowOf("ollama/some-local-model")).toBe(UNKNOWN_MODEL_WINDOW);
    expect(contextWindowOf("ollama/some-local-model", 8_192)).toBe(8_192);
  });

  it("counts text, tool inputs and tool outputs", () => {
    const text = messageTokens({ role: "user", content: "x".repeat(400) }, 4);
    expect(text).toBe(104);
    expect(messageTokens(result("c1", "y".repeat(4_000)), 4)).toBeGreaterThan(1_000);
    expect(messageTokens(call("c1"), 4)).toBeGreaterThan(4);
  });

  it("reads agent.contextWindow and agent.compaction from the config, and rejects settings that cannot work", () => {
    const config = configSchema.parse({ agent: { contextWindow: 8_000, compaction: { atPercent: 70 } } });
    const limits = contextLimits("ollama/qwen3", {
      ...config.agent.compaction,
      contextWindow: config.agent.contextWindow!,
    });
    expect(limits).toMatchObject({ window: 8_000, compactAt: 5_600, keepTokens: 2_000 });
    expect(() =>
      configSchema.parse({ agent: { compaction: { atPercent: 30, keepRecentPercent: 40 } } }),
    ).toThrow(/keepRecentPercent must be below atPercent/);
    expect(() => configSchema.parse({ agent: { contextWindow: 100 } })).toThrow(/at least 2000 tokens/);
  });
});

describe("tool result cap", () => {
  it("leaves a result that fits alone", () => {
    expect(capToolResult("short", 1_000)).toBe("short");
  });

  it("keeps the start and the end of a long result, with a note saying it was cut", () => {
    const text = `HEAD${"-".repeat(100_000)}TAIL`;
    const capped = capToolResult(text, 2_000);
    expect(capped.length).toBeLessThanOrEqual(2_000);
    expect(capped.startsWith("HEAD")).toBe(true);
    expect(capped.endsWith("TAIL")).toBe(true);
    expect(capped).toMatch(/cut: this tool result had 100008 characters/);
  });
});

describe("where a compaction cuts", () => {
  it("never between a tool call and its result", () => {
    const entries = [
      m({ role: "user", content: "read it" }),
      m(call("c1")),
      m(result("c1")),
      m({ role: "assistant", content: "done" }),
      m({ role: "user", content: "again" }),
    ];
    expect(cutPoints(entries)).toEqual([0, 1, 3, 4, 5]);
  });

  it("keeps the newest messages that fit and summarises the rest", () => {
    const big = "z".repeat(4_000);
    const entries = [
      m({ role: "user", content: big }),
      m({ role: "assistant", content: big }),
      m({ role: "user", content: "read it" }),
      m(call("c2")),
      m(result("c2", big)),
      m({ role: "assistant", content: "short" }),
    ];
    // With room for the tool result and the reply but not its call, the cut falls after both:
    // a cut before the result (which would fit) would split it from its call.
    const tight = planCompaction(entries, 1_015, 4)!;
    expect(tight.keep.map((e) => e.message.content)).toEqual(["short"]);
    expect(tight.summarise).toHaveLength(5);
    const roomy = planCompaction(entries, 1_100, 4)!;
    expect(roomy.keep.map((e) => e.message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(roomy.summarise).toHaveLength(2);
    expect(planCompaction([], 1_000, 4)).toBeNull();
  });

  it("summarises in chunks no larger than asked, a block never split", () => {
    const chunks = chunkBlocks(["a".repeat(600), "b".repeat(600), "c".repeat(600)], 1_300);
    expect(chunks.map((c) => c.length)).toEqual([1_202, 600]);
  });
});

describe("when a turn compacts", () => {
  const limits = contextLimits("ollama/x", {
    contextWindow: 10_000,
    atPercent: 80,
    keepRecentPercent: 25,
    toolResultMaxPercent: 30,
    memoryFlush: true,
  });

  it("not when the prompt is big by itself: compacting a short conversation would free nothing, every turn", () => {
    const context = { system: "s".repeat(40_000), tools: [], limits };
    const entries = [m({ role: "user", content: "hi" }), m({ role: "assistant", content: "hello" })];
    expect(needsCompaction(context, entries, [{ role: "user", content: "and now?" }])).toBe(false);
  });

  it("when the conversation fills the window past atPercent", () => {
    const context = { system: "short", tools: [], limits };
    const entries = Array.from({ length: 20 }, (_, i) =>
      m({ role: i % 2 ? "assistant" : "user", content: "w".repeat(1_600) }),
    );
    expect(needsCompaction(context, entries.slice(0, 4), [])).toBe(false);
    expect(needsCompaction(context, entries, [])).toBe(true);
  });
});
