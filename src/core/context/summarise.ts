// Writes a compaction's summary with the model, in chunks: each request holds the summary so far and
// the next part of the conversation, sized to a share of the window, so the compaction request itself
// never overflows. A part the provider still finds too long is halved and tried again.
import type { LanguageModelV4, LanguageModelV4Prompt } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { Clock } from "../../ports/clock.ts";
import { ModelCallError } from "../agent/model-call-error.ts";
import { runModelStep } from "../agent/model-step.ts";
import { usageKindOption } from "../agent/usage-kind.ts";
import type { TokenUsage } from "../transcript.ts";
import { messageText } from "../transcript-text.ts";
import { capToolResult } from "./tool-result-cap.ts";

export const SUMMARY_INSTRUCTIONS = [
  "You condense a conversation between a person and their AI assistant so the assistant can continue it without the original messages.",
  "Write the updated summary: everything from the summary so far, plus what the new part adds.",
  "Keep every durable fact about the person (names, dates, numbers, preferences, people, places, commitments), decisions made, files written and their paths, open tasks and questions, and what the assistant promised to do.",
  "Drop small talk and tool output that no longer matters. Write plain prose or bullet points, in the conversation's language, no preamble.",
].join("\n");

export interface SummariseOptions {
  model: LanguageModelV4;
  clock: Pick<Clock, "now" | "sleep">;
  signal?: AbortSignal;
  /** The summary the model already has (an earlier compaction's), folded in. */
  previous?: string;
  messages: ModelMessage[];
  /** Characters of conversation per request (the request also holds the summary so far). */
  chunkChars: number;
  /** Longest summary, in tokens (maxOutputTokens of each call). */
  maxSummaryTokens: number;
}

export interface SummaryResult {
  summary: string;
  usage: TokenUsage;
  /** Model calls made. */
  calls: number;
}

/** A part smaller than this is not halved again: the provider's limit is then not about the part. */
const MIN_CHUNK_CHARS = 2_000;

/** The conversation as text, one message per block; a single message longer than a chunk is cut. */
export function conversationBlocks(messages: ModelMessage[], chunkChars: number): string[] {
  return messages.map((message) => {
    const who =
      message.role === "user"
        ? "Person"
        : message.role === "assistant"
          ? "Assistant"
          : message.role === "tool"
            ? "Tool"
            : "System";
    return capToolResult(`${who}: ${messageText(message)}`, Math.floor(chunkChars * 0.9));
  });
}

/** Consecutive blocks joined into parts of at most chunkChars (a block is never split). */
export function chunkBlocks(blocks: string[], chunkChars: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const block of blocks) {
    if (current && current.length + block.length + 2 > chunkChars) {
      chunks.push(current);
      current = "";
    }
    current = current ? `${current}\n\n${block}` : block;
  }
  if (current) chunks.push(current);
  return chunks;
}

function request(previous: string | undefined, part: string): LanguageModelV4Prompt {
  const text = [
    previous ? `Summary so far:\n${previous}` : "Summary so far: (none yet)",
    `New part of the conversation:\n${part}`,
    "Write the updated summary.",
  ].join("\n\n");
  return [
    { role: "system", content: SUMMARY_INSTRUCTIONS },
    { role: "user", content: [{ type: "text", text }] },
  ];
}

/** Contract: resolves with a non-empty summary or rejects with a ModelCallError. */
export async function summariseConversation(options: SummariseOptions): Promise<SummaryResult> {
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let calls = 0;
  let summary = options.previous;
  const pending = chunkBlocks(conversationBlocks(options.messages, options.chunkChars), options.chunkChars);
  while (pending.length > 0) {
    const part = pending.shift()!;
    calls++;
    let step: Awaited<ReturnType<typeof runModelStep>>;
    try {
      step = await runModelStep({
        model: options.model,
        call: {
          prompt: request(summary, part),
          maxOutputTokens: options.maxSummaryTokens,
          abortSignal: options.signal,
          providerOptions: usageKindOption("compaction"),
        },
        clock: options.clock,
        onText: () => {},
        onToolCall: () => {},
      });
      if (step.error) throw step.error;
    } catch (error) {
      const failure = error instanceof ModelCallError ? error : new ModelCallError(error);
      // The estimate was short for this provider: halve the part and go on.
      if (failure.kind === "context_overflow" && part.length > MIN_CHUNK_CHARS) {
        const half = Math.floor(part.length / 2);
        pending.unshift(part.slice(0, half), part.slice(half));
        continue;
      }
      throw failure;
    }
    if (step.usage) {
      usage.inputTokens += step.usage.inputTokens;
      usage.outputTokens += step.usage.outputTokens;
    }
    const text = step.text.trim();
    if (!text) throw new ModelCallError(new Error("The model returned an empty summary."), "unknown");
    summary = text;
  }
  return { summary: summary ?? "", usage, calls };
}
