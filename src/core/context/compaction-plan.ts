// Where to cut a conversation for a compaction: the oldest messages are summarised, the newest kept
// verbatim. A cut only ever falls where no tool call waits for its result, so a call and its result
// are always on the same side.
import type { MessageEntry, TranscriptEntry } from "../transcript.ts";
import { visibleEntries } from "../transcript-repair.ts";
import { messageTokens } from "./tokens.ts";

export interface CompactionPlan {
  /** The summary the model sees now (the last compaction's), to be folded into the new one. */
  previousSummary: string | undefined;
  /** The message entries the new summary replaces, oldest first. */
  summarise: MessageEntry[];
  /** The message entries kept verbatim, oldest first. */
  keep: MessageEntry[];
}

/**
 * The indexes of `messages` where a cut may fall: before a non-tool message, with every tool call
 * earlier answered earlier. Index 0 (keep everything) and messages.length (keep nothing) included.
 */
export function cutPoints(messages: readonly MessageEntry[]): number[] {
  const points: number[] = [];
  const open = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const { message } = messages[i]!;
    if (open.size === 0 && message.role !== "tool") points.push(i);
    if (message.role === "assistant" && Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === "tool-call") open.add(part.toolCallId);
    }
    if (message.role === "tool")
      for (const part of message.content) if (part.type === "tool-result") open.delete(part.toolCallId);
  }
  points.push(messages.length);
  return points;
}

/**
 * Keeps the longest recent stretch that fits in keepTokens (starting at a cut point) and summarises
 * the rest; null when there is nothing to summarise (everything fits, or the first cut point is the
 * only one). With `keepTokens` 0 everything is summarised.
 */
export function planCompaction(
  entries: TranscriptEntry[],
  keepTokens: number,
  charsPerToken: number,
): CompactionPlan | null {
  const { compaction, messages } = visibleEntries(entries);
  const points = cutPoints(messages);
  // Suffix sums from the end: tokens kept if the cut falls at i.
  const kept: number[] = new Array<number>(messages.length + 1).fill(0);
  for (let i = messages.length - 1; i >= 0; i--)
    kept[i] = kept[i + 1]! + messageTokens(messages[i]!.message, charsPerToken);
  const cut = points.find((p) => p > 0 && kept[p]! <= keepTokens);
  if (cut === undefined) return null;
  return {
    previousSummary: compaction?.summary,
    summarise: messages.slice(0, cut),
    keep: messages.slice(cut),
  };
}
