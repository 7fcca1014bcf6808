// The memory flush: before a conversation is compacted or reset, a silent turn asks the model to
// write what is worth keeping to its memory files (MEMORY.md, memory/YYYY-MM-DD.md) with its file
// tools. Its messages are stored marked silent: never delivered, never replayed to the model.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { AgentTool, ToolContext } from "../../tools/tool.ts";
import { runAgentLoop } from "../agent/agent-loop.ts";
import { usageKindOption } from "../agent/usage-kind.ts";
import { wallTime } from "../cron/zoned-time.ts";
import type { MessageEntry, TokenUsage } from "../transcript.ts";

/** The tools a flush may use: reading and writing workspace files, and searching memory. */
export const FLUSH_TOOLS: ReadonlySet<string> = new Set([
  "read",
  "write",
  "edit",
  "list",
  "memory_search",
  "memory_get",
]);

/** What the model answers when it has nothing to save. */
export const FLUSH_NOTHING = "NO_REPLY";

/** The flush's instruction; `day` is today's YYYY-MM-DD in the assistant's time zone. */
export function flushPrompt(day: string, why: "compaction" | "reset"): string {
  const what =
    why === "compaction"
      ? "This conversation is about to be compacted: its older messages will be replaced by a short summary."
      : "This conversation is about to end: the next message starts a fresh one.";
  return [
    `[Memory flush: an automatic, silent step; the person does not see it.] ${what}`,
    `Before that, save what is worth remembering: append new facts, decisions, commitments and open tasks from this conversation to memory/${day}.md, and put lasting facts about the person (names, preferences, important dates) in MEMORY.md.`,
    "Read a file before you change it and do not duplicate what is already there. Use your file tools now.",
    `When you are done, or if there is nothing new worth saving, answer only ${FLUSH_NOTHING}.`,
  ].join("\n");
}

/** YYYY-MM-DD of an instant in a time zone. */
export function dayOf(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

export interface MemoryFlushOptions {
  model: LanguageModelV4;
  system: string;
  /** The conversation as the model should see it for the flush (it must fit the window). */
  messages: ModelMessage[];
  /** The turn's tools; only FLUSH_TOOLS among them are offered. */
  tools: AgentTool[];
  toolContext: ToolContext;
  maxSteps: number;
  why: "compaction" | "reset";
  timeZone: string;
  newId: () => string;
  /** Masks secrets in tool results (the turn's filter). */
  filterToolOutput?: (text: string) => string;
  /** Contract: stores the flush's entries (already marked silent) durably, in order. */
  append: (entries: MessageEntry[]) => Promise<void>;
}

export interface MemoryFlushResult {
  usage: TokenUsage;
  /** Workspace paths the flush wrote or edited. */
  wrote: string[];
}

/** Runs the flush turn. Contract: rejects only as the agent loop does (the caller decides what a failure means). */
export async function runMemoryFlush(options: MemoryFlushOptions): Promise<MemoryFlushResult> {
  const { clock } = options.toolContext;
  const prompt: ModelMessage = {
    role: "user",
    content: flushPrompt(dayOf(clock.now(), options.timeZone), options.why),
  };
  const entry = (message: ModelMessage, usage?: TokenUsage): MessageEntry => ({
    type: "message",
    id: options.newId(),
    at: clock.now(),
    message,
    ...(usage && { usage }),
    ...(message.role === "user" && { origin: "flush" as const }),
    silent: true,
  });
  await options.append([entry(prompt)]);
  const wrote = new Set<string>();
  const result = await runAgentLoop({
    model: options.model,
    system: options.system,
    messages: [...options.messages, prompt],
    tools: options.tools.filter((tool) => FLUSH_TOOLS.has(tool.name)),
    maxSteps: options.maxSteps,
    signal: options.toolContext.signal,
    toolContext: options.toolContext,
    providerOptions: usageKindOption("flush"),
    ...(options.filterToolOutput && { filterToolOutput: options.filterToolOutput }),
    onEvent: (event) => {
      if (event.type !== "tool_call" || (event.name !== "write" && event.name !== "edit")) return;
      const path = (event.input as { path?: unknown } | null)?.path;
      if (typeof path === "string") wrote.add(path);
    },
    onMessages: (messages, usage) =>
      options.append(messages.map((m) => entry(m, m.role === "assistant" ? usage : undefined))),
  });
  return { usage: result.usage, wrote: [...wrote] };
}
