// The agent loop: call the model, run the tools it asks for, repeat until it answers or the step
// budget is spent. Each step's messages are handed to onMessages (persisted) before the next starts.
import {
  type AssistantModelMessage,
  jsonSchema,
  type LanguageModel,
  type ModelMessage,
  streamText,
  type ToolResultPart,
} from "ai";
import { z } from "zod";
import type { AgentTool, ToolContext } from "../../tools/tool.ts";
import type { TokenUsage } from "../transcript.ts";
import type { AgentEventListener } from "./events.ts";
import { ModelCallError } from "./model-call-error.ts";
import { runToolCall } from "./tool-runner.ts";

export type StopReason = "done" | "max_steps" | "aborted";

export interface AgentLoopOptions {
  model: Exclude<LanguageModel, string>;
  system: string;
  /** The conversation so far, ending with the new user message. */
  messages: ModelMessage[];
  tools: AgentTool[];
  maxSteps: number;
  /** Per-call context for tools (workspace, approval, signal). */
  toolContext: ToolContext;
  signal: AbortSignal;
  onEvent?: AgentEventListener;
  /** Applied to every tool result before the model, the events or the transcript see it (secret masking). */
  filterToolOutput?: (text: string) => string;
  /** Contract: resolves once the messages are durable; a rejection ends the loop with that error. */
  onMessages: (messages: ModelMessage[], usage: TokenUsage | undefined) => Promise<void>;
}

export interface AgentLoopResult {
  /** Everything the assistant said, across steps. */
  text: string;
  usage: TokenUsage;
  steps: number;
  stopReason: StopReason;
}

interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export async function runAgentLoop(options: AgentLoopOptions): Promise<AgentLoopResult> {
  const { signal } = options;
  const emit: AgentEventListener = (event) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Listeners are for display; a broken one must not break the turn.
    }
  };
  const toolMap = new Map(options.tools.map((tool) => [tool.name, tool]));
  const toolSet = providerToolSet(options.tools);
  const history = [...options.messages];
  const texts: string[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };

  for (let step = 1; step <= options.maxSteps; step++) {
    emit({ type: "step_start", step });
    let stepText = "";
    const calls: ToolCall[] = [];
    let stepUsage: TokenUsage | undefined;
    let finishReason = "unknown";
    let streamError: unknown;
    const result = streamText({
      model: options.model,
      instructions: options.system,
      messages: history,
      tools: toolSet,
      abortSignal: signal,
      onError: ({ error }) => {
        streamError ??= error;
      },
    });
    try {
      for await (const part of result.stream) {
        if (part.type === "text-delta") {
          stepText += part.text;
          emit({ type: "text_delta", text: part.text });
        } else if (part.type === "tool-call") {
          calls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
          emit({ type: "tool_call", id: part.toolCallId, name: part.toolName, input: part.input });
        } else if (part.type === "finish-step") {
          stepUsage = {
            inputTokens: part.usage.inputTokens ?? 0,
            outputTokens: part.usage.outputTokens ?? 0,
          };
          finishReason = part.finishReason;
        } else if (part.type === "error") {
          streamError ??= part.error;
        }
      }
    } catch (error) {
      streamError ??= error;
    }
    if (signal.aborted) {
      if (stepText) await options.onMessages([{ role: "assistant", content: stepText }], stepUsage);
      if (stepText) texts.push(stepText);
      return { text: texts.join("\n\n"), usage, steps: step, stopReason: "aborted" };
    }
    if (streamError) throw new ModelCallError(streamError);
    if (stepUsage) {
      usage.inputTokens += stepUsage.inputTokens;
      usage.outputTokens += stepUsage.outputTokens;
    }
    if (stepText.trim()) texts.push(stepText);
    const assistant = assistantMessage(stepText, calls);
    // The assistant's message is durable before any tool runs: a crash inside a tool leaves a
    // dangling call, which transcript repair answers on the next load.
    if (assistant) {
      await options.onMessages([assistant], stepUsage);
      history.push(assistant);
    }
    if (calls.length > 0) {
      const results: ToolResultPart[] = [];
      for (const call of calls) {
        const raw = await runToolCall(toolMap, call.name, call.input, options.toolContext);
        const output = options.filterToolOutput ? { ...raw, text: options.filterToolOutput(raw.text) } : raw;
        emit({
          type: "tool_result",
          id: call.id,
          name: call.name,
          text: output.text,
          isError: output.isError === true,
        });
        results.push({
          type: "tool-result",
          toolCallId: call.id,
          toolName: call.name,
          output: output.isError
            ? { type: "error-text", value: output.text }
            : { type: "text", value: output.text },
        });
      }
      const toolMessage: ModelMessage = { role: "tool", content: results };
      await options.onMessages([toolMessage], undefined);
      history.push(toolMessage);
    }
    emit({ type: "step_end", step, usage: stepUsage ?? { inputTokens: 0, outputTokens: 0 }, finishReason });
    if (calls.length === 0) return { text: texts.join("\n\n"), usage, steps: step, stopReason: "done" };
    if (signal.aborted) return { text: texts.join("\n\n"), usage, steps: step, stopReason: "aborted" };
  }
  return { text: texts.join("\n\n"), usage, steps: options.maxSteps, stopReason: "max_steps" };
}

// Arguments are validated by runToolCall against the zod schema, so the model's mistakes come back
// to it as readable errors; the SDK only passes the JSON Schema on to the provider. Converting the
// schemas costs more than the rest of a turn's CPU work, so it is done once per tool list.
const toolSets = new WeakMap<
  AgentTool[],
  Record<string, { description: string; inputSchema: ReturnType<typeof jsonSchema> }>
>();

function providerToolSet(tools: AgentTool[]) {
  let set = toolSets.get(tools);
  if (!set) {
    set = Object.fromEntries(
      tools.map((tool) => [
        tool.name,
        {
          description: tool.description,
          inputSchema: jsonSchema(z.toJSONSchema(tool.input, { io: "input" }) as never),
        },
      ]),
    );
    toolSets.set(tools, set);
  }
  return set;
}

/** The assistant's message for one step: its text, then its tool calls; null when it said nothing. */
function assistantMessage(text: string, calls: ToolCall[]): AssistantModelMessage | null {
  if (calls.length === 0) return text ? { role: "assistant", content: text } : null;
  return {
    role: "assistant",
    content: [
      ...(text ? [{ type: "text" as const, text }] : []),
      ...calls.map((call) => ({
        type: "tool-call" as const,
        toolCallId: call.id,
        toolName: call.name,
        input: call.input,
      })),
    ],
  };
}
