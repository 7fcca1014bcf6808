// CronStore on SQLite: jobs, run history and system events in state.db. Another process (the CLI)
// that changes jobs touches `changeSignal`, which a gateway's timer alarm notices through the file
// system, not by polling; nextWake() gives that alarm the earliest moment anything needs doing.
import { writeFile } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";
import { type CronJob, type CronRun, RUN_HISTORY_LIMIT } from "../../core/cron/cron-job.ts";
import type { Clock } from "../../ports/clock.ts";
import { type CronStore, EVENT_ID_KEPT_MS, type SystemEvent } from "../../ports/cron-store.ts";
import { PRIVATE_FILE_MODE } from "../../util/private-files.ts";
import { groupCommit } from "./group-commit.ts";

export interface SqliteCronStoreOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  clock: Clock;
  /** A file touched on every job change and watched by the timer alarm, so processes notice each other. */
  changeSignal?: string;
}

export interface SqliteCronStore extends CronStore {
  /** The earliest due time of an enabled job, or stuck deadline (running since + stuckMs) of a running one. */
  nextWake(stuckMs: number): number | undefined;
  /** Tells `listener` of every job change made through this store (the alarm of this process re-arms). */
  onChange(listener: () => void): () => void;
}

type Row = Record<string, unknown>;

export function createSqliteCronStore(options: SqliteCronStoreOptions): SqliteCronStore {
  const { db, clock, changeSignal } = options;
  const durably = groupCommit(db);
  const listeners = new Set<() => void>();
  // One write of the signal at a time: changes made while it is in flight are told by one more write
  // after it (so each change is still followed by a write that starts after it), not one write each.
  let signalling = false;
  let signalAgain = false;
  const signal = (file: string) => {
    if (signalling) {
      signalAgain = true;
      return;
    }
    signalling = true;
    // Fire and forget: the signal only wakes other processes; losing one costs them a minute at most.
    void writeFile(file, String(clock.now()), { mode: PRIVATE_FILE_MODE })
      .catch(() => {})
      .finally(() => {
        signalling = false;
        if (signalAgain) {
          signalAgain = false;
          signal(file);
        }
      });
  };
  const changed = () => {
    for (const listener of listeners) listener();
    if (changeSignal) signal(changeSignal);
  };

  const put = db.prepare(
    `INSERT INTO cron_jobs (id, enabled, next_run_at, body) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, next_run_at = excluded.next_run_at, body = excluded.body`,
  );
  const byId = db.prepare("SELECT body FROM cron_jobs WHERE id = ?");
  const all = db.prepare("SELECT body FROM cron_jobs ORDER BY rowid");
  const earliestDue = db.prepare(
    "SELECT MIN(next_run_at) AS at FROM cron_jobs WHERE enabled = 1 AND next_run_at IS NOT NULL",
  );
  // A running job has no next_run_at (the service clears it when the run starts).
  const earliestRunning = db.prepare(
    `SELECT MIN(json_extract(body, '$.state.running.since')) AS since FROM cron_jobs
     WHERE next_run_at IS NULL AND json_extract(body, '$.state.running') IS NOT NULL`,
  );
  const dueOrRunning = db.prepare(
    `SELECT body FROM cron_jobs
     WHERE (enabled = 1 AND next_run_at <= ?)
        OR (next_run_at IS NULL AND json_extract(body, '$.state.running') IS NOT NULL)
     ORDER BY rowid`,
  );
  const removeRuns = db.prepare("DELETE FROM cron_runs WHERE job_id = ?");
  const removeJob = db.prepare("DELETE FROM cron_jobs WHERE id = ?");
  const hasRun = db.prepare(
    "SELECT 1 FROM cron_runs WHERE job_id = ? AND json_extract(body, '$.runId') = ? LIMIT 1",
  );
  const insertRun = db.prepare("INSERT INTO cron_runs (job_id, body) VALUES (?, ?)");
  const trimRuns = db.prepare(
    `DELETE FROM cron_runs WHERE job_id = ? AND seq <= (
       SELECT seq FROM cron_runs WHERE job_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  );
  const runsOf = db.prepare("SELECT body FROM cron_runs WHERE job_id = ? ORDER BY seq DESC LIMIT ?");
  const insertEvent = db.prepare(
    "INSERT INTO system_events (id, session_key, text, at, run) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
  );
  const waitingEvents = db.prepare(
    "SELECT id, session_key, text, at, run FROM system_events WHERE session_key = ? AND consumed_at IS NULL ORDER BY seq",
  );
  const consumeEvent = db.prepare(
    "UPDATE system_events SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
  );
  const forgetConsumed = db.prepare("DELETE FROM system_events WHERE consumed_at <= ?");
  const parse = (row: Row | undefined) => (row ? (JSON.parse(String(row["body"])) as CronJob) : null);

  return {
    nextWake(stuckMs) {
      const due = earliestDue.get()?.["at"];
      const since = earliestRunning.get()?.["since"];
      const times = [due, since === null || since === undefined ? null : Number(since) + stuckMs].filter(
        (t): t is number => typeof t === "number",
      );
      return times.length === 0 ? undefined : Math.min(...times);
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async save(job) {
      await durably(() =>
        put.run(job.id, job.enabled ? 1 : 0, job.state.nextRunAt ?? null, JSON.stringify(job)),
      );
      changed();
    },

    async get(id) {
      return parse(byId.get(id));
    },

    async list() {
      return all.all().map((row) => parse(row)!);
    },

    async dueOrRunning(now) {
      return dueOrRunning.all(now).map((row) => parse(row)!);
    },

    async remove(id) {
      const removed = await durably(() => {
        removeRuns.run(id);
        return removeJob.run(id).changes > 0;
      });
      if (removed) changed();
      return removed;
    },

    async addRun(run) {
      return durably(() => {
        if (hasRun.get(run.jobId, run.runId)) return false;
        insertRun.run(run.jobId, JSON.stringify(run));
        trimRuns.run(run.jobId, run.jobId, RUN_HISTORY_LIMIT);
        return true;
      });
    },

    async runs(jobId, limit = RUN_HISTORY_LIMIT) {
      return runsOf.all(jobId, limit).map((row) => JSON.parse(String(row["body"])) as CronRun);
    },

    async postEvent(event) {
      const run = event.run ? JSON.stringify(event.run) : null;
      return durably(
        () => insertEvent.run(event.id, event.sessionKey, event.text, event.at, run).changes > 0,
      );
    },

    async events(sessionKey) {
      return waitingEvents.all(sessionKey).map((row): SystemEvent => ({
        id: String(row["id"]),
        sessionKey: String(row["session_key"]),
        text: String(row["text"]),
        at: Number(row["at"]),
        ...(row["run"] !== null && row["run"] !== undefined && { run: JSON.parse(String(row["run"])) }),
      }));
    },

    async dropEvents(ids) {
      if (ids.length === 0) return;
      const now = clock.now();
      await durably(() => {
        // Kept as consumed for a day, so that posting the same id again (a sender's retry) is a duplicate.
        for (const id of ids) consumeEvent.run(now, id);
        forgetConsumed.run(now - EVENT_ID_KEPT_MS);
      });
    },
  };
}
