// The outbox: the outcome of each accepted message (its reply, or why it failed), written before
// anything is sent, so a retry delivers the stored reply instead of asking the model again.
import type { DeliveryAddress } from "../core/messages.ts";
import type { TokenUsage } from "../core/transcript.ts";

export interface OutboxRecord {
  /** The accepted message's idempotency id (the queue's dedupeId). */
  key: string;
  sessionKey: string;
  status: "done" | "failed";
  /** The reply text; for "failed", the message the user is shown. */
  reply: string;
  usage: TokenUsage;
  createdAt: number;
  /** Set once the reply was handed to its channel. */
  deliveredAt?: number;
  /** Where the reply goes, for outcomes a channel delivers (copied from the job). */
  deliverTo?: DeliveryAddress;
}

/** Implemented in adapters/sqlite/outbox.ts and adapters/dynamodb/outbox.ts. */
export interface Outbox {
  /** Contract: the first record written for a key wins; a later put returns the stored one unchanged. */
  put(record: OutboxRecord): Promise<OutboxRecord>;
  /** Contract: null for an unknown key. */
  get(key: string): Promise<OutboxRecord | null>;
  /** Contract: sets deliveredAt once; marking an unknown or already delivered key does nothing. */
  markDelivered(key: string, at: number): Promise<void>;
  /** Contract: records not yet delivered, oldest first, at most `limit`. */
  undelivered(limit: number): Promise<OutboxRecord[]>;
}
