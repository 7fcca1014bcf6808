// The durable intake queue, ordered per group (a session key): SQLite lanes locally, SQS FIFO on AWS.

/** A message to enqueue. `body` must be JSON-serialisable. */
export interface QueueMessage {
  /** Ordering group: messages of one group are delivered one at a time, in order (the session key). */
  group: string;
  /** Idempotency id: the same id enqueued again within the dedupe window is dropped. */
  dedupeId: string;
  body: unknown;
}

/** A received message; hand it back to ack or retry. */
export interface QueueDelivery {
  /** Receipt for this delivery (changes on every receive). */
  receipt: string;
  group: string;
  dedupeId: string;
  body: unknown;
  /** How many times it has been received, this time included (1 on first delivery). */
  attempts: number;
}

export interface ReceiveOptions {
  /** Most messages to return (1-10). */
  max: number;
  /** How long a received message stays invisible before it is delivered again (a crashed consumer). */
  visibilityMs: number;
  /** Wait up to this long for a message when none is ready (long polling); 0 returns at once. */
  waitMs?: number;
  /** Ends a long poll early (shutdown): the receive then resolves with what it has, usually []. */
  signal?: AbortSignal;
}

/**
 * A durable queue with FIFO groups. Implemented in adapters/sqlite/queue.ts and adapters/sqs/queue.ts.
 */
export interface Queue {
  /** Contract: durable once resolved. Returns false (and stores nothing) for a dedupeId seen in the last 5 minutes. */
  enqueue(message: QueueMessage): Promise<boolean>;
  /**
   * Contract: messages of a group come in enqueue order, and never while another message of the same
   * group is in flight (received, not yet acked, visibility not expired). An unacked message is
   * delivered again after visibilityMs, with attempts + 1.
   */
  receive(options: ReceiveOptions): Promise<QueueDelivery[]>;
  /** Contract: removes the delivered message for good; acking a stale receipt is not an error. */
  ack(delivery: QueueDelivery): Promise<void>;
  /** Contract: makes the message visible again after delayMs (0: now), still first in its group. */
  retry(delivery: QueueDelivery, delayMs: number): Promise<void>;
}
