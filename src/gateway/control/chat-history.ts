// chat.history's messages: each transcript entry split into text and tool calls, with the user
// entries of internal turns marked by origin (shown as a small marker, not as the user's words) and
// a heartbeat's "all is well" reply marked quiet.
import { isQuietReply } from "../../core/heartbeat/heartbeat-text.ts";
import { type EntryOrigin, isMessageEntry, type TranscriptEntry } from "../../core/transcript.ts";
import { entryOrigin, messageParts, originNote } from "../../core/transcript-text.ts";

/** One transcript message as chat.history returns it. */
export interface HistoryMessage {
  role: string;
  text: string;
  at: number;
  toolCalls?: Array<{ name: string; input: unknown }>;
  toolResults?: Array<{ name: string; text: string; isError: boolean }>;
  /** On a user message no person wrote: who did. `text` is then what the marker shows. */
  origin?: EntryOrigin;
  /** On an assistant message that only said HEARTBEAT_OK to a heartbeat or reminder (not delivered). */
  quiet?: true;
}

export function historyMessages(entries: TranscriptEntry[], ackMaxChars: number): HistoryMessage[] {
  let turnOrigin: EntryOrigin | undefined;
  // A silent flush and a compaction's summary are bookkeeping, not conversation: the chat shows neither.
  return entries
    .filter(isMessageEntry)
    .filter((entry) => !entry.silent)
    .map((entry): HistoryMessage => {
      const { text, toolCalls, toolResults } = messageParts(entry.message);
      const origin = entryOrigin(entry);
      if (entry.message.role === "user") turnOrigin = origin;
      const heartbeatTurn = turnOrigin === "heartbeat" || turnOrigin === "reminder";
      return {
        role: entry.message.role,
        text: origin ? originNote(origin, text) : text,
        at: entry.at,
        ...(toolCalls.length > 0 && { toolCalls }),
        ...(toolResults.length > 0 && { toolResults }),
        ...(origin && { origin }),
        ...(entry.message.role === "assistant" &&
          heartbeatTurn &&
          isQuietReply(text, ackMaxChars) && { quiet: true }),
      };
    });
}
