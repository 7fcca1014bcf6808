// The local engine's durable queue: FIFO groups in state.db, long polling woken in-process.
// A group is held while any of its messages is in flight; receive hands out the visible head run.
import { checkReceiveOptions, queueBodyJson } from "../queue-input.ts";
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../ports/clock.ts";
import type { Queue, QueueDelivery } from "../../ports/queue.ts";
import { inTransaction, withRelaxedSync } from "./db.ts";
import { groupCommit } from "./group-commit.ts";

export interface SqliteQueueOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  clock: Clock;
  /** Several queues can share state.db; default "intake". */
  name?: string;
  /**
   * While long-polling, look again at least this often (ms), to notice messages enqueued by
   * another process. Same-process enqueues, acks and retries wake a poll at once, and a poll wakes
   * by itself when a hidden message becomes visible, so an idle gateway (the only process that
   * enqueues into its queue) does not need this to be short. Default 60 000.
   */
  pollMs?: number;
}

/** How long a dedupeId is remembered after its enqueue, acked or not (as SQS FIFO does). */
export const DEDUPE_WINDOW_MS = 5 * 60_000;

const WOKEN = new Error("queue: woken");

/**
 * Creates a Queue over the `queue_messages` and `queue_dedupe` tables. A message is in flight while
 * it has a receipt and its visibility has not expired; retry clears the receipt and keeps its seq,
 * so it stays first in its group.
 */
/** The SQLite queue, with one extra for the engine that owns the database. */
export interface SqliteQueue extends Queue {
  /**
   * Makes every in-flight message visible again now. Only for a process that knows no other consumer
   * is running (the local gateway at start, holding its lock): a crashed run's messages are retried
   * at once instead of after their visibility timeout. Returns how many were released.
   */
  releaseInFlight(): Promise<number>;
}

export function createSqliteQueue({
  db,
  clock,
  name = "intake",
  pollMs = 60_000,
}: SqliteQueueOptions): SqliteQueue {
  const durably = groupCommit(db);
  const sweepDedupe = db.prepare("DELETE FROM queue_dedupe WHERE expires_at <= ?");
  const rememberDedupe = db.prepare(
    `INSERT INTO queue_dedupe (queue, dedupe_id, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (queue, dedupe_id) DO UPDATE SET expires_at = excluded.expires_at
       WHERE queue_dedupe.expires_at <= ?`,
  );
  const insert = db.prepare(
    `INSERT INTO queue_messages (queue, grp, dedupe_id, body, visible_at, enqueued_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  // Visible messages with nothing invisible ahead of them in their group, in groups with nothing in
  // flight: for each free group, its visible head run, oldest first.
  const ready = db.prepare(
    `SELECT seq, grp, dedupe_id, body, attempts FROM queue_messages m
     WHERE m.queue = ?1 AND m.visible_at <= ?2
       AND NOT EXISTS (SELECT 1 FROM queue_messages a WHERE a.queue = m.queue AND a.grp = m.grp
                         AND a.seq < m.seq AND a.visible_at > ?2)
       AND NOT EXISTS (SELECT 1 FROM queue_messages f WHERE f.queue = m.queue AND f.grp = m.grp
                         AND f.receipt IS NOT NULL AND f.visible_at > ?2)
     ORDER BY m.seq LIMIT ?3`,
  );
  const lease = db.prepare(
    "UPDATE queue_messages SET receipt = ?, visible_at = ?, attempts = attempts + 1 WHERE seq = ?",
  );
  const nextVisible = db.prepare(
    "SELECT MIN(visible_at) AS at FROM queue_messages WHERE queue = ? AND visible_at > ?",
  );
  const remove = db.prepare("DELETE FROM queue_messages WHERE queue = ? AND receipt = ?");
  const releaseAll = db.prepare(
    "UPDATE queue_messages SET receipt = NULL, visible_at = ?1 WHERE queue = ?2 AND receipt IS NOT NULL AND visible_at > ?1",
  );
  const release = db.prepare(
    "UPDATE queue_messages SET receipt = NULL, visible_at = ? WHERE queue = ? AND receipt = ?",
  );

  // Long-polls parked in this process; any change that may free a message wakes them all.
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };

  const take = (max: number, visibilityMs: number): QueueDelivery[] =>
    // Leases, acks and retries need no fsync: losing one in a power cut only redelivers a message,
    // and the outbox answers a redelivered message without running its turn again.
    withRelaxedSync(db, () =>
      inTransaction(db, () => {
        const now = clock.now();
        return ready.all(name, now, max).map((row) => {
          const receipt = randomUUID();
          lease.run(receipt, now + visibilityMs, row["seq"] as number);
          return {
            receipt,
            group: String(row["grp"]),
            dedupeId: String(row["dedupe_id"]),
            body: JSON.parse(String(row["body"])),
            attempts: Number(row["attempts"]) + 1,
          };
        });
      }),
    );

  /** Sleeps up to ms, returning early when this queue changes; never leaves a sleeper behind. */
  const park = async (ms: number, outer?: AbortSignal): Promise<void> => {
    const controller = new AbortController();
    const wake = () => controller.abort(WOKEN);
    waiters.add(wake);
    outer?.addEventListener("abort", wake, { once: true });
    try {
      await clock.sleep(ms, controller.signal);
    } catch (error) {
      if (error !== WOKEN) throw error;
    } finally {
      waiters.delete(wake);
      outer?.removeEventListener("abort", wake);
    }
  };

  return {
    async releaseInFlight() {
      const released = Number(releaseAll.run(clock.now(), name).changes);
      if (released > 0) wakeAll();
      return released;
    },
    async enqueue(message) {
      const { group, dedupeId } = message;
      const json = queueBodyJson(message);
      const accepted = await durably(() => {
        const now = clock.now();
        sweepDedupe.run(now);
        if (rememberDedupe.run(name, dedupeId, now + DEDUPE_WINDOW_MS, now).changes === 0) return false;
        insert.run(name, group, dedupeId, json, now, now);
        return true;
      });
      if (accepted) wakeAll();
      return accepted;
    },

    async receive(options) {
      checkReceiveOptions(options);
      const { max, visibilityMs, waitMs = 0, signal } = options;
      const deadline = clock.now() + waitMs;
      for (;;) {
        const batch = take(max, visibilityMs);
        const now = clock.now();
        if (batch.length > 0 || now >= deadline || signal?.aborted) return batch;
        // Wake for the deadline, the next visibility expiry or retry delay, or a cross-process look.
        const next = nextVisible.get(name, now)?.["at"];
        const until = Math.min(deadline, now + pollMs, typeof next === "number" ? next : deadline);
        await park(Math.max(0, until - now), signal);
      }
    },

    async ack(delivery) {
      if (withRelaxedSync(db, () => remove.run(name, delivery.receipt)).changes > 0) wakeAll();
    },

    async retry(delivery, delayMs) {
      const visibleAt = clock.now() + Math.max(0, delayMs);
      if (withRelaxedSync(db, () => release.run(visibleAt, name, delivery.receipt)).changes > 0) wakeAll();
    },
  };
}
