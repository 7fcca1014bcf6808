// The agent loop: call the model, run the tools it asks for, repeat until it answers or the step
// budget is spent. Each step's messages are handed to onMessages (persisted) before the next starts.
import type { LanguageModelV4, LanguageModelV4Prompt, SharedV4ProviderOptions } from "@ai-sdk/provider";
import type { ModelMessage, ToolResultPart } from "ai";
import type { AgentTool, ToolContext } from "../../tools/tool.ts";
import type { TokenUsage } from "../transcript.ts";
import { assistantMessage } from "./assistant-message.ts";
import type { AgentEventListener } from "./events.ts";
import { ModelCallError } from "./model-call-error.ts";
import { runModelStep } from "./model-step.ts";
import { providerMessage, providerTools, toProviderPrompt } from "./provider-prompt.ts";
import { runToolCall } from "./tool-runner.ts";

export type StopReason = "done" | "max_steps" | "aborted";

export interface AgentLoopOptions {
  model: LanguageModelV4;
  system: string;
  /** The conversation so far, ending with the new user message. */
  messages: ModelMessage[];
  tools: AgentTool[];
  maxSteps: number;
  /** Per-call context for tools (workspace, approval, signal, clock); its clock also times model retries. */
  toolContext: ToolContext;
  signal: AbortSignal;
  onEvent?: AgentEventListener;
  /** Applied to every tool result before the model, the events or the transcript see it (secret masking). */
  filterToolOutput?: (text: string) => string;
  /** Passed with every model call (a silent turn labels its usage: usageKindOption). */
  providerOptions?: SharedV4ProviderOptions;
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
  const tools = providerTools(options.tools);
  // Converted once; each step's messages are added converted, so a long history is not redone per step.
  let prompt: LanguageModelV4Prompt | undefined;
  const texts: string[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };

  for (let step = 1; step <= options.maxSteps; step++) {
    emit({ type: "step_start", step });
    let answer: Awaited<ReturnType<typeof runModelStep>>;
    try {
      prompt ??= toProviderPrompt(options.system, options.messages);
      answer = await runModelStep({
        model: options.model,
        // A copy of the list (not of its messages): the call keeps what it was sent.
        call: {
          prompt: [...prompt],
          tools,
          abortSignal: signal,
          ...(options.providerOptions && { providerOptions: options.providerOptions }),
        },
        clock: options.toolContext.clock,
        onText: (text) => emit({ type: "text_delta", text }),
        onToolCall: (call) => emit({ type: "tool_call", ...call }),
      });
    } catch (error) {
      if (signal.aborted) return { text: texts.join("\n\n"), usage, steps: step, stopReason: "aborted" };
      throw new ModelCallError(error);
    }
    const { text: stepText, calls, usage: stepUsage, finishReason, error: streamError } = answer;
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
    const assistant = assistantMessage(stepText, calls, answer.reasoning);
    // The assistant's message is durable before any tool runs: a crash inside a tool leaves a
    // dangling call, which transcript repair answers on the next load.
    if (assistant) {
      await options.onMessages([assistant], stepUsage);
      prompt!.push(providerMessage(assistant));
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
      prompt!.push(providerMessage(toolMessage));
    }
    emit({ type: "step_end", step, usage: stepUsage ?? { inputTokens: 0, outputTokens: 0 }, finishReason });
    if (calls.length === 0) return { text: texts.join("\n\n"), usage, steps: step, stopReason: "done" };
    if (signal.aborted) return { text: texts.join("\n\n"), usage, steps: step, stopReason: "aborted" };
  }
  return { text: texts.join("\n\n"), usage, steps: options.maxSteps, stopReason: "max_steps" };
}
