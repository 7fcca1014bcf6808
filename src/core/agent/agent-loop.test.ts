import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Workspace } from "../../ports/workspace.ts";
import type { AgentTool, ToolContext } from "../../tools/tool.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { type AgentLoopOptions, runAgentLoop } from "./agent-loop.ts";
import type { AgentEvent } from "./events.ts";
import { type ScriptedReply, scriptedModel } from "./testing/scripted-model.ts";

const addTool: AgentTool<{ a: number; b: number }> = {
  name: "add",
  description: "Adds two numbers.",
  input: z.object({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => ({ text: String(a + b) }),
};

const crashTool: AgentTool<Record<string, never>> = {
  name: "crash",
  description: "Always throws.",
  input: z.object({}),
  run: async () => {
    throw new Error("disk on fire");
  },
};

function setup(replies: ScriptedReply[], overrides: Partial<AgentLoopOptions> = {}) {
  const { model, calls } = scriptedModel(replies);
  const persisted: ModelMessage[][] = [];
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  const toolContext: ToolContext = {
    workspace: {} as Workspace,
    clock: createFakeClock(),
    signal: controller.signal,
    approve: async () => false,
  };
  const options: AgentLoopOptions = {
    model,
    system: "You are a test.",
    messages: [{ role: "user", content: "what is 2+3?" }],
    tools: [addTool as AgentTool, crashTool as AgentTool],
    maxSteps: 5,
    toolContext,
    signal: controller.signal,
    onEvent: (e) => events.push(e),
    onMessages: async (messages) => {
      persisted.push(messages);
    },
    ...overrides,
  };
  return { options, calls, persisted, events, controller };
}

const toolResults = (messages: ModelMessage[]) =>
  messages
    .flatMap((m) => (m.role === "tool" ? m.content : []))
    .map((p) => (p.type === "tool-result" ? p.output : p));

describe("agent loop", () => {
  it("streams a plain answer and persists it", async () => {
    const { options, persisted, events, calls } = setup([
      { text: "Hello there", usage: { input: 7, output: 3 } },
    ]);
    const result = await runAgentLoop(options);
    expect(result).toMatchObject({
      text: "Hello there",
      stopReason: "done",
      steps: 1,
      usage: { inputTokens: 7, outputTokens: 3 },
    });
    expect(events.filter((e) => e.type === "text_delta").length).toBeGreaterThan(1);
    expect(persisted).toEqual([[{ role: "assistant", content: "Hello there" }]]);
    expect(calls[0]?.prompt[0]).toEqual({ role: "system", content: "You are a test." });
  });

  it("runs a tool call, sends the result back, and returns the final answer", async () => {
    const { options, persisted, calls } = setup([
      { toolCalls: [{ name: "add", input: { a: 2, b: 3 }, id: "c1" }], text: "Let me add." },
      { text: "It is 5." },
    ]);
    const result = await runAgentLoop(options);
    expect(result.text).toBe("Let me add.\n\nIt is 5.");
    expect(result.steps).toBe(2);
    expect(persisted[0]?.[0]?.role).toBe("assistant");
    expect(toolResults(persisted.flat())).toEqual([{ type: "text", value: "5" }]);
    const second = JSON.stringify(calls[1]?.prompt);
    expect(second).toContain('"toolCallId":"c1"');
    expect(second).toContain('"value":"5"');
  });

  it("returns invalid arguments, unknown tools and tool crashes to the model as errors", async () => {
    const { options, persisted } = setup([
      {
        toolCalls: [
          { name: "add", input: { a: "two", b: 3 } },
          { name: "nope", input: {} },
          { name: "crash", input: {} },
        ],
      },
      { rawToolInput: { name: "add", json: "{not json" } },
      { text: "Sorry." },
    ]);
    const result = await runAgentLoop(options);
    expect(result.text).toBe("Sorry.");
    const [bad, unknown, crashed, unparsable] = toolResults(persisted.flat()) as Array<{
      type: string;
      value: string;
    }>;
    expect(bad?.type).toBe("error-text");
    expect(bad?.value).toMatch(/Invalid arguments for add:\n- a: .*number/);
    expect(unknown?.value).toMatch(/no tool named "nope".*add, crash/);
    expect(crashed?.value).toBe("crash failed: disk on fire");
    expect(unparsable?.type).toBe("error-text");
    expect(unparsable?.value).toContain("Invalid arguments for add");
  });

  it("stops at the step budget with every tool call answered", async () => {
    const loop = { toolCalls: [{ name: "add", input: { a: 1, b: 1 } }] };
    const { options, persisted } = setup([loop, loop, loop, loop], { maxSteps: 2 });
    const result = await runAgentLoop(options);
    expect(result.stopReason).toBe("max_steps");
    expect(result.steps).toBe(2);
    expect(persisted.flat().filter((m) => m.role === "tool")).toHaveLength(2);
  });

  it("throws a model error after persisting nothing for the failed step", async () => {
    const { options, persisted } = setup([{ error: new Error("overloaded") }]);
    await expect(runAgentLoop(options)).rejects.toMatchObject({
      name: "ModelCallError",
      message: "overloaded",
    });
    expect(persisted).toEqual([]);
  });

  it("stops when aborted and reports it", async () => {
    const controller = new AbortController();
    controller.abort();
    const { options } = setup([{ text: "never" }], { signal: controller.signal });
    const result = await runAgentLoop(options);
    expect(result.stopReason).toBe("aborted");
  });
});

describe("agent loop secret masking", () => {
  it("filters tool results before the model and the transcript see them", async () => {
    const leaky: AgentTool<Record<string, never>> = {
      name: "leak",
      description: "Prints a config file.",
      input: z.object({}),
      run: async () => ({ text: "API_KEY=sk-very-secret-123" }),
    };
    const { options, persisted, calls } = setup(
      [{ toolCalls: [{ name: "leak", input: {} }] }, { text: "ok" }],
      {
        tools: [leaky as AgentTool],
        filterToolOutput: (text) => text.replaceAll("sk-very-secret-123", "[redacted]"),
      },
    );
    await runAgentLoop(options);
    expect(JSON.stringify(persisted)).not.toContain("sk-very-secret-123");
    expect(JSON.stringify(calls[1]?.prompt)).toContain("API_KEY=[redacted]");
  });
});
