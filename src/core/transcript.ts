// Transcript entries: what a session remembers, one JSON object per line, append-only.
import type { ModelMessage } from "ai";

/** Token counts of one model call or a sum of them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Who wrote a user entry that no person typed: the heartbeat checking in, a reminder (system events
 * the heartbeat relays), a hook, or a cron job's own turn. Readers show such entries as a small marker.
 */
export type EntryOrigin = "heartbeat" | "reminder" | "hook" | "cron";

/** One line of a transcript. `message` is an AI SDK ModelMessage, replayed as is to the model. */
export interface TranscriptEntry {
  type: "message";
  /** Unique within the transcript; lets a repair or a retry recognise an entry. */
  id: string;
  /** When it was written, in Clock milliseconds. */
  at: number;
  message: ModelMessage;
  /** Set on assistant entries: what the model call that produced it cost. */
  usage?: TokenUsage;
  /**
   * Set on the user entry of a turn that answers accepted messages: their ids (queue job ids), so a
   * retry of any of them finds the attempt that already holds its message.
   */
  turn?: string[];
  /** Set on a user entry an internal turn wrote (absent in transcripts written before it existed). */
  origin?: EntryOrigin;
}
