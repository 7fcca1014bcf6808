// Group commit: durable writes asked for in the same turn of the event loop share one transaction,
// so one fsync covers them all. Under load (many sessions accepting and answering at once) this
// turns one fsync per message into one per batch; alone, a write waits only for setImmediate.
import type { DatabaseSync } from "node:sqlite";
import { inTransaction } from "./db.ts";

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs `work` inside a shared transaction; see durably(). */
export type GroupCommit = <T>(work: () => T) => Promise<T>;

const committers = new WeakMap<DatabaseSync, GroupCommit>();

/**
 * The group committer of `db` (one per database, shared by its adapters).
 * Contract: resolves with work()'s result once its transaction is committed (durable under
 * synchronous=FULL); a work that throws is rolled back alone (a savepoint) and rejects, the others
 * still commit; a failed commit rejects every work of the batch.
 */
export function groupCommit(db: DatabaseSync): GroupCommit {
  let committer = committers.get(db);
  if (!committer) {
    let batch: Pending[] | undefined;
    const flush = () => {
      const items = batch!;
      batch = undefined;
      const settled: Array<() => void> = [];
      try {
        inTransaction(db, () => {
          for (const item of items) {
            db.exec("SAVEPOINT work");
            try {
              const value = item.work();
              db.exec("RELEASE work");
              settled.push(() => item.resolve(value));
            } catch (error) {
              db.exec("ROLLBACK TO work");
              db.exec("RELEASE work");
              settled.push(() => item.reject(error));
            }
          }
        });
      } catch (error) {
        for (const item of items) item.reject(error);
        return;
      }
      for (const settle of settled) settle();
    };
    committer = <T>(work: () => T) =>
      new Promise<T>((resolve, reject) => {
        if (!batch) {
          batch = [];
          setImmediate(flush);
        }
        batch.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    committers.set(db, committer);
  }
  return committer;
}
