// Makes a loaded transcript safe to send: it starts from the last compaction (its summary, then the
// messages it kept), skips silent entries, and gives every tool call a result, so a turn that died
// between a tool call and its result never poisons the next request.
import type { ModelMessage, ToolResultPart } from "ai";
import {
  type CompactionEntry,
  isMessageEntry,
  type MessageEntry,
  type TranscriptEntry,
} from "./transcript.ts";

export const INTERRUPTED_TOOL_RESULT =
  "This tool call was interrupted (the assistant stopped before it finished) and has no result. Run it again if it is still needed.";

/** How a compaction's summary reaches the model: a user message ahead of the kept messages. */
export const SUMMARY_HEADING =
  "[Earlier in this conversation (older messages were summarised to fit the model's context):]";

/** The summary as the model reads it. */
export const summaryText = (summary: string) => `${SUMMARY_HEADING}\n${summary}`;

/**
 * What the model sees of a transcript: after the last compaction, its summary and the message entries
 * from its firstKeptId on; silent entries never. A suffix of the transcript that starts at (or before)
 * the last compaction's first kept entry gives the same result as the whole transcript.
 */
export function visibleEntries(entries: TranscriptEntry[]): {
  compaction: CompactionEntry | undefined;
  messages: MessageEntry[];
} {
  const at = entries.findLastIndex((e) => e.type === "compaction");
  const compaction = at >= 0 ? (entries[at] as CompactionEntry) : undefined;
  const messages = entries
    .slice(visibleStart(entries))
    .filter((e): e is MessageEntry => isMessageEntry(e) && !e.silent);
  return { compaction, messages };
}

/**
 * Where what the model sees of a transcript begins: the last compaction's first kept entry, or the
 * compaction itself when that entry is not before it; 0 when there is no compaction.
 */
export function visibleStart(entries: TranscriptEntry[]): number {
  const at = entries.findLastIndex((e) => e.type === "compaction");
  if (at < 0) return 0;
  const compaction = entries[at] as CompactionEntry;
  const kept =
    compaction.firstKeptId === null ? -1 : entries.findIndex((e) => e.id === compaction.firstKeptId);
  return kept >= 0 && kept < at ? kept : at;
}

/**
 * The messages of a transcript as the model sees them (visibleEntries), repaired: a tool call with no
 * matching result right after its assistant message gets a synthetic error result; results whose call
 * is unknown are dropped.
 */
export function messagesForModel(entries: TranscriptEntry[]): ModelMessage[] {
  const { compaction, messages } = visibleEntries(entries);
  const repaired = repairMessages(messages.map((e) => e.message));
  return compaction ? withSummary(compaction.summary, repaired) : repaired;
}

/** The summary first; merged into a first kept user message, so roles still alternate. */
export function withSummary(summary: string, messages: ModelMessage[]): ModelMessage[] {
  const first = messages[0];
  const text = summaryText(summary);
  if (first?.role !== "user") return [{ role: "user", content: text }, ...messages];
  const parts =
    typeof first.content === "string" ? [{ type: "text" as const, text: first.content }] : first.content;
  return [{ ...first, content: [{ type: "text", text }, ...parts] }, ...messages.slice(1)];
}

/** Every tool call answered, every result matched to a call. */
export function repairMessages(messages: ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  let open = new Map<string, string>(); // toolCallId -> toolName, awaiting results
  const closeOpen = () => {
    if (open.size === 0) return;
    const content: ToolResultPart[] = [...open].map(([toolCallId, toolName]) => ({
      type: "tool-result",
      toolCallId,
      toolName,
      output: { type: "error-text", value: INTERRUPTED_TOOL_RESULT },
    }));
    const last = out.at(-1);
    if (last?.role === "tool") last.content.push(...content);
    else out.push({ role: "tool", content });
    open = new Map();
  };
  for (const message of messages) {
    if (message.role === "tool") {
      const content = message.content.filter(
        (part) => part.type !== "tool-result" || open.delete(part.toolCallId),
      );
      if (content.length > 0) {
        const last = out.at(-1);
        if (last?.role === "tool") last.content.push(...content);
        else out.push({ ...message, content });
      }
      continue;
    }
    closeOpen();
    out.push(message);
    if (message.role === "assistant" && Array.isArray(message.content)) {
      for (const part of message.content) {
        if (part.type === "tool-call") open.set(part.toolCallId, part.toolName);
      }
    }
  }
  closeOpen();
  return out;
}
