// Folds a transcript into the turns memory keeps: what the person said and what the assistant
// answered, without tool calls and results (their gist is in the answer, their bulk is noise).
import { entryOrigin, messageParts } from "../transcript-text.ts";
import type { TranscriptEntry } from "../transcript.ts";

/** One turn read back from a transcript. */
export interface TranscriptTurn {
  /** The id of the turn's user entry. */
  id: string;
  /** When its last entry was written. */
  at: number;
  messages: Array<{ role: "user" | "assistant"; text: string }>;
  /** A turn no person started (heartbeat, reminder, hook, cron). */
  internal: boolean;
}

/**
 * The turns among `entries`, in order. A turn starts at a user entry; assistant text up to the next
 * user entry is its answer. Entries before the first user entry, compaction summaries and silent
 * entries (the memory flush) are skipped.
 */
export function transcriptTurns(entries: readonly TranscriptEntry[]): TranscriptTurn[] {
  const turns: TranscriptTurn[] = [];
  let current: TranscriptTurn | undefined;
  for (const entry of entries) {
    // Compaction summaries, and a silent memory flush's exchange (which may sit inside a person's turn).
    if (entry.type !== "message" || entry.silent) continue;
    const role = entry.message.role;
    if (role === "user") {
      current = {
        id: entry.id,
        at: entry.at,
        messages: [{ role: "user", text: messageParts(entry.message).text }],
        internal: entryOrigin(entry) !== undefined,
      };
      turns.push(current);
    } else if (role === "assistant" && current) {
      const text = messageParts(entry.message).text.trim();
      if (text) current.messages.push({ role: "assistant", text });
      current.at = entry.at;
    } else if (current) {
      current.at = entry.at;
    }
  }
  return turns;
}

/** A turn as one searchable text: "user: ..." and "assistant: ..." lines. */
export function turnText(messages: ReadonlyArray<{ role: string; text: string }>): string {
  return messages
    .filter((m) => m.text.trim())
    .map((m) => `${m.role}: ${m.text.trim()}`)
    .join("\n");
}
