// Transcript entries: what a session remembers, one JSON object per line, append-only. A compaction
// entry stands in for the older messages it summarises, so a long conversation keeps fitting the model.
import type { ModelMessage } from "ai";

/** Token counts of one model call or a sum of them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Who wrote a user entry that no person typed: the heartbeat checking in, a reminder (system events
 * the heartbeat relays), a hook, a cron job's own turn, or the memory flush before a compaction.
 * Readers show such entries as a small marker.
 */
export type EntryOrigin = "heartbeat" | "reminder" | "hook" | "cron" | "flush";

/** One message of the conversation. `message` is an AI SDK ModelMessage, replayed as is to the model. */
export interface MessageEntry {
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
  /**
   * Written by a silent internal turn (the memory flush): kept for the record, never replayed to the
   * model and never delivered.
   */
  silent?: true;
}

/** Why a compaction was made. */
export type CompactionReason = "threshold" | "overflow" | "command" | "reset";

/**
 * Replaces the messages before `firstKeptId` with a summary. The model sees the summary, then every
 * message entry from `firstKeptId` (which precedes this entry) on. A later compaction supersedes it.
 */
export interface CompactionEntry {
  type: "compaction";
  id: string;
  at: number;
  /** What the conversation held before `firstKeptId`, written by the model (earlier summaries included). */
  summary: string;
  /** The first entry kept verbatim; null: nothing before this entry is kept. */
  firstKeptId: string | null;
  /** Estimated tokens of the conversation before it was compacted. */
  tokensBefore: number;
  reason: CompactionReason;
  /** What the summarising calls cost. */
  usage?: TokenUsage;
}

/** One line of a transcript. */
export type TranscriptEntry = MessageEntry | CompactionEntry;

/** Whether an entry is a message (not a compaction). */
export const isMessageEntry = (entry: TranscriptEntry): entry is MessageEntry => entry.type === "message";
