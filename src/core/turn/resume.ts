// A retried turn (same turnId) picks up where the first attempt stopped instead of starting over:
// a finished turn is answered from the transcript, an unfinished one continues without re-adding
// the user's message.
import type { TokenUsage, TranscriptEntry } from "../transcript.ts";

export type PriorAttempt =
  { kind: "none" } | { kind: "finished"; reply: string; usage: TokenUsage } | { kind: "unfinished" };

/** The transcript id of a turn's user message; stable across retries of the same turn. */
export const userEntryId = (turnId: string) => `${turnId}:user`;

export function findPriorAttempt(entries: TranscriptEntry[], turnId: string): PriorAttempt {
  const start = entries.findIndex((e) => e.id === userEntryId(turnId));
  if (start < 0) return { kind: "none" };
  const after = entries.slice(start + 1);
  const last = after.at(-1)?.message;
  const finished =
    last?.role === "assistant" &&
    (typeof last.content === "string" || !last.content.some((part) => part.type === "tool-call"));
  if (!finished) return { kind: "unfinished" };
  const texts: string[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  for (const { message, usage: used } of after) {
    if (used) {
      usage.inputTokens += used.inputTokens;
      usage.outputTokens += used.outputTokens;
    }
    if (message.role !== "assistant") continue;
    const text =
      typeof message.content === "string"
        ? message.content
        : message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    if (text.trim()) texts.push(text);
  }
  return { kind: "finished", reply: texts.join("\n\n"), usage };
}
