// A retried turn picks up where its earlier attempt stopped instead of starting over: a finished
// attempt is answered from the transcript, an unfinished one continues without re-adding the
// messages it already holds. Messages the earlier attempt never saw (batched in with the retry)
// are still answered.
import { isMessageEntry, type MessageEntry, type TokenUsage, type TranscriptEntry } from "../transcript.ts";

export type PriorAttempt =
  | { kind: "none" }
  | { kind: "unfinished"; covered: ReadonlySet<string> }
  | { kind: "finished"; covered: ReadonlySet<string>; reply: string; usage: TokenUsage };

/**
 * The latest attempt at any of these turn ids: the user entries that carry them and everything up
 * to the next user entry that does not. An unfinished attempt that a later turn already followed is
 * stale (the conversation moved on), so its messages count as not yet answered.
 */
export function findPriorAttempt(all: TranscriptEntry[], turnIds: readonly string[]): PriorAttempt {
  // A silent flush and a compaction happen inside a turn: they neither end nor answer it.
  const entries = all.filter((e): e is MessageEntry => isMessageEntry(e) && !e.silent);
  const wanted = new Set(turnIds);
  const ours = (e: MessageEntry) => e.message.role === "user" && (e.turn ?? []).some((id) => wanted.has(id));
  const foreign = (e: MessageEntry) => e.message.role === "user" && !ours(e);
  const last = entries.findLastIndex(ours);
  if (last < 0) return { kind: "none" };
  let start = last;
  for (let i = last - 1; i >= 0 && !foreign(entries[i]!); i--) if (ours(entries[i]!)) start = i;
  const next = entries.findIndex((e, i) => i > last && foreign(e));
  const span = entries.slice(start, next < 0 ? entries.length : next);
  const covered = new Set(span.filter(ours).flatMap((e) => e.turn!.filter((id) => wanted.has(id))));

  const final = span.at(-1)!.message;
  const finished =
    final.role === "assistant" &&
    (typeof final.content === "string" || !final.content.some((part) => part.type === "tool-call"));
  if (!finished) return next < 0 ? { kind: "unfinished", covered } : { kind: "none" };

  const texts: string[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  for (const { message, usage: used } of span) {
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
  return { kind: "finished", covered, reply: texts.join("\n\n"), usage };
}
