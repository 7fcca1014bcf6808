// Prompt caching end to end: the agent loop on the real Anthropic provider against the fake
// Messages API on 127.0.0.1. The markers reach the wire (tools, system prompt, newest message), a
// reasoning signature from an earlier turn goes back, and the cache tokens the API reports are recorded.
import type { ModelMessage } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAnthropicFake } from "../../test/fakes/anthropic-messages-server.ts";
import type { FakeModelServer } from "../../test/fakes/fake-model-server.ts";
import { openStateDb } from "../adapters/sqlite/db.ts";
import { createSqliteUsage } from "../adapters/sqlite/usage.ts";
import { configSchema } from "../config/schema.ts";
import { runAgentLoop } from "../core/agent/agent-loop.ts";
import type { Workspace } from "../ports/workspace.ts";
import type { AgentTool } from "../tools/tool.ts";
import { createFakeClock } from "../util/fake-clock.ts";
import { meteredModel } from "./metered-model.ts";
import { bedrockCaches, markCacheable } from "./prompt-cache.ts";
import { resolveModel } from "./resolve-model.ts";

const KEY = "sk-ant-test-key";
let fake: FakeModelServer;
beforeEach(async () => {
  fake = await startAnthropicFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const clockTool: AgentTool = {
  name: "clock",
  description: "The time.",
  input: z.object({}),
  run: async () => ({ text: "09:00" }),
};
const echoTool: AgentTool = {
  name: "echo",
  description: "Says it back.",
  input: z.object({ text: z.string() }),
  run: async (input) => ({ text: String((input as { text: string }).text) }),
};

const ANSWERED: ModelMessage[] = [
  { role: "user", content: "hello" },
  {
    role: "assistant",
    content: [
      {
        type: "reasoning",
        text: "The person greets me.",
        providerOptions: { anthropic: { signature: "sig-from-turn-1" } },
      },
      { type: "text", text: "Hi!" },
    ],
  },
  { role: "user", content: "what time is it?" },
];

describe("prompt caching on Anthropic", () => {
  it("marks tools, system prompt and newest message on every step, returns signatures, and records cache tokens", async () => {
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url };
    const { ref, model } = await resolveModel("anthropic/claude-sonnet-4-5", configSchema.parse({}), env);
    const clock = createFakeClock();
    const db = openStateDb(":memory:");
    const ledger = createSqliteUsage({ db });
    fake.script([
      {
        toolCalls: [{ name: "clock", input: {} }],
        usage: { inputTokens: 50, cacheWriteTokens: 1_500, outputTokens: 10 },
      },
      { text: "It is nine.", usage: { inputTokens: 20, cacheReadTokens: 1_530, outputTokens: 5 } },
    ]);
    const controller = new AbortController();
    const result = await runAgentLoop({
      model: meteredModel(model, { ledger, clock, ref, sessionKey: "s", kind: "turn", timeZone: "UTC" }),
      system:
        "You are a helpful assistant.\n\n## Runtime\nsession=s\n\n## Current date and time\nMonday, 7 Dec 2026, 09:00",
      messages: ANSWERED,
      tools: [clockTool, echoTool],
      maxSteps: 3,
      toolContext: {
        workspace: {} as Workspace,
        clock,
        signal: controller.signal,
        approve: async () => false,
      },
      signal: controller.signal,
      onMessages: async () => {},
    });
    expect(result.text).toBe("It is nine.");
    expect(fake.requests).toHaveLength(2);

    const ephemeral = { type: "ephemeral" };
    for (const { body } of fake.requests) {
      // The current time, which changes every minute, follows the cached part unmarked.
      expect(body["system"]).toEqual([
        {
          type: "text",
          text: "You are a helpful assistant.\n\n## Runtime\nsession=s",
          cache_control: ephemeral,
        },
        { type: "text", text: "## Current date and time\nMonday, 7 Dec 2026, 09:00" },
      ]);
      const tools = body["tools"] as Array<Record<string, unknown>>;
      expect(tools.map((t) => [t["name"], t["cache_control"]])).toEqual([
        ["clock", undefined],
        ["echo", ephemeral],
      ]);
      const messages = body["messages"] as Array<{ content: Array<Record<string, unknown>> }>;
      const marked = messages.flatMap((m) => m.content).filter((block) => block["cache_control"]);
      expect(marked).toEqual([messages.at(-1)!.content.at(-1)]);
    }
    // The second step's newest message is the tool result; the first turn's thinking went back signed.
    const second = fake.requests[1]!.body["messages"] as Array<{
      role: string;
      content: Array<Record<string, unknown>>;
    }>;
    expect(second.at(-1)!.content.at(-1)).toMatchObject({
      type: "tool_result",
      cache_control: { type: "ephemeral" },
    });
    expect(second[1]!.content[0]).toEqual({
      type: "thinking",
      thinking: "The person greets me.",
      signature: "sig-from-turn-1",
    });

    const records = await ledger.list(0, clock.now() + 1);
    expect(
      records.map((r) => [r.inputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.outputTokens]),
    ).toEqual([
      [1_550, 0, 1_500, 10],
      [1_550, 1_530, 0, 5],
    ]);
    // The cached step costs less than a quarter of the one that wrote the cache.
    expect(records[1]!.costUsd! * 4).toBeLessThan(records[0]!.costUsd!);
    db.close();
  });

  it("marks Bedrock's system prompt and newest message with cache points, for the models that take them", () => {
    const call = markCacheable(
      {
        prompt: [
          { role: "system", content: "sys\n\n## Current date and time\nnow" },
          { role: "user", content: [{ type: "text", text: "hi" }] },
        ],
        tools: [{ type: "function", name: "clock", inputSchema: { type: "object" } }],
      },
      "bedrock",
    );
    const cachePoint = { bedrock: { cachePoint: { type: "default" } } };
    expect(call.prompt.map((m) => [m.content, m.providerOptions])).toEqual([
      ["sys", cachePoint],
      ["## Current date and time\nnow", undefined],
      [[{ type: "text", text: "hi" }], cachePoint],
    ]);
    expect(call.tools![0]).not.toHaveProperty("providerOptions");
    expect(bedrockCaches("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe(true);
    expect(bedrockCaches("amazon.nova-pro-v1:0")).toBe(true);
    expect(bedrockCaches("meta.llama3-3-70b-instruct-v1:0")).toBe(false);
  });
});
