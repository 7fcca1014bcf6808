// The Scheduler on SQLite: jobs, run history and system events in state.db, and one timer at the
// earliest due job, re-armed whenever a job changes. Another process (the CLI) that changes jobs
// touches `changeSignal`, which a watching gateway notices through the file system, not by polling.
import { watch as watchFile, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";
import { type CronJob, type CronRun, RUN_HISTORY_LIMIT } from "../../core/cron/cron-job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Scheduler, SystemEvent } from "../../ports/scheduler.ts";
import { PRIVATE_FILE_MODE } from "../../util/private-files.ts";
import { groupCommit } from "./group-commit.ts";

export interface SqliteSchedulerOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  clock: Clock;
  /** A file touched on every job change and watched by watch(), so processes notice each other. */
  changeSignal?: string;
}

/**
 * The longest single sleep: the timer is re-armed at least this often, so a wall-clock change or a
 * machine waking from suspend makes a job late by at most a minute (one cheap query, not polling).
 */
const MAX_SLEEP_MS = 60_000;
/** How long a consumed system event's id still makes a new post with that id a duplicate. */
export const EVENT_ID_KEPT_MS = 24 * 60 * 60_000;
/** How long a job whose onDue failed waits before it is handed over again. */
const FAILED_HANDOVER_RETRY_MS = 10_000;
/** Due jobs started per wake-up; more are picked up by the next wake-up at once. */
const DUE_BATCH = 500;

type Row = Record<string, unknown>;

export function createSqliteScheduler(options: SqliteSchedulerOptions): Scheduler {
  const { db, clock, changeSignal } = options;
  const durably = groupCommit(db);
  const rearms = new Set<() => void>();
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
    for (const rearm of rearms) rearm();
    if (changeSignal) signal(changeSignal);
  };

  const put = db.prepare(
    `INSERT INTO cron_jobs (id, enabled, next_run_at, body) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, next_run_at = excluded.next_run_at, body = excluded.body`,
  );
  const byId = db.prepare("SELECT body FROM cron_jobs WHERE id = ?");
  const all = db.prepare("SELECT body FROM cron_jobs ORDER BY rowid");
  const earliest = db.prepare(
    "SELECT id, next_run_at FROM cron_jobs WHERE enabled = 1 AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT ?",
  );
  const due = db.prepare(
    "SELECT body FROM cron_jobs WHERE enabled = 1 AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT ?",
  );
  const startWork = db.prepare(
    // A running job has no next_run_at (the service clears it when the run starts).
    `SELECT body FROM cron_jobs
     WHERE (enabled = 1 AND next_run_at <= ?)
        OR (next_run_at IS NULL AND json_extract(body, '$.state.running') IS NOT NULL)
     ORDER BY rowid`,
  );
  const removeRuns = db.prepare("DELETE FROM cron_runs WHERE job_id = ?");
  const removeJob = db.prepare("DELETE FROM cron_jobs WHERE id = ?");
  const insertRun = db.prepare("INSERT INTO cron_runs (job_id, body) VALUES (?, ?)");
  const trimRuns = db.prepare(
    `DELETE FROM cron_runs WHERE job_id = ? AND seq <= (
       SELECT seq FROM cron_runs WHERE job_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  );
  const runsOf = db.prepare("SELECT body FROM cron_runs WHERE job_id = ? ORDER BY seq DESC LIMIT ?");
  const insertEvent = db.prepare(
    "INSERT INTO system_events (id, session_key, text, at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
  );
  const waitingEvents = db.prepare(
    "SELECT id, session_key, text, at FROM system_events WHERE session_key = ? AND consumed_at IS NULL ORDER BY seq",
  );
  const consumeEvent = db.prepare(
    "UPDATE system_events SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
  );
  const forgetConsumed = db.prepare("DELETE FROM system_events WHERE consumed_at <= ?");
  const parse = (row: Row | undefined) => (row ? (JSON.parse(String(row["body"])) as CronJob) : null);

  return {
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
      return startWork.all(now).map((row) => parse(row)!);
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
      await durably(() => {
        insertRun.run(run.jobId, JSON.stringify(run));
        trimRuns.run(run.jobId, run.jobId, RUN_HISTORY_LIMIT);
      });
    },

    async runs(jobId, limit = RUN_HISTORY_LIMIT) {
      return runsOf.all(jobId, limit).map((row) => JSON.parse(String(row["body"])) as CronRun);
    },

    watch(onDue, signal) {
      const firing = new Set<string>();
      let sleeping: AbortController | undefined;
      let scheduled = false;

      const fire = () => {
        for (const row of due.all(clock.now(), DUE_BATCH)) {
          const job = parse(row)!;
          if (firing.has(job.id)) continue;
          firing.add(job.id);
          const release = () => {
            firing.delete(job.id);
            rearm();
          };
          // An onDue that failed (it could not even save the job: a full disk) leaves the job due;
          // it is handed over again after a pause, not in a tight loop.
          void onDue(job).then(release, () =>
            clock.sleep(FAILED_HANDOVER_RETRY_MS, signal).then(release, () => firing.delete(job.id)),
          );
        }
      };

      const arm = () => {
        scheduled = false;
        sleeping?.abort();
        sleeping = undefined;
        if (signal.aborted) return;
        // The earliest job that is not already being handed to onDue.
        const next = earliest.all(firing.size + 1).find((row) => !firing.has(String(row["id"])));
        if (!next) return;
        const wait = Number(next["next_run_at"]) - clock.now();
        if (wait <= 0) {
          fire();
          // Everything due was handed over (or more than a batch is due): look again.
          return rearm();
        }
        const controller = new AbortController();
        sleeping = controller;
        clock.sleep(Math.min(wait, MAX_SLEEP_MS), controller.signal).then(
          () => {
            if (sleeping === controller) arm();
          },
          () => {},
        );
      };

      // Many changes in a row (a bulk import) re-arm once.
      const rearm = () => {
        if (scheduled || signal.aborted) return;
        scheduled = true;
        queueMicrotask(arm);
      };

      rearms.add(rearm);
      let watcher: ReturnType<typeof watchFile> | undefined;
      if (changeSignal) {
        try {
          writeFileSync(changeSignal, String(clock.now()), { flag: "a", mode: PRIVATE_FILE_MODE });
          watcher = watchFile(changeSignal, { persistent: false }, rearm);
        } catch {
          // No file watching here: other processes' changes are seen within MAX_SLEEP_MS.
        }
      }
      signal.addEventListener(
        "abort",
        () => {
          rearms.delete(rearm);
          sleeping?.abort();
          watcher?.close();
        },
        { once: true },
      );
      rearm();
    },

    async postEvent(event) {
      return durably(() => insertEvent.run(event.id, event.sessionKey, event.text, event.at).changes > 0);
    },

    async events(sessionKey) {
      return waitingEvents.all(sessionKey).map((row): SystemEvent => ({
        id: String(row["id"]),
        sessionKey: String(row["session_key"]),
        text: String(row["text"]),
        at: Number(row["at"]),
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
