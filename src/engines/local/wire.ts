// The local engine's composition root: a workspace folder, one SQLite state.db and JSONL transcripts.
import { createFsWorkspace } from "../../adapters/fs/workspace.ts";
import { createSqliteClaims } from "../../adapters/sqlite/claims.ts";
import { openStateDb } from "../../adapters/sqlite/db.ts";
import { createSqliteOutbox } from "../../adapters/sqlite/outbox.ts";
import { createSqlitePairings } from "../../adapters/sqlite/pairings.ts";
import { createSqliteQueue } from "../../adapters/sqlite/queue.ts";
import { createSqliteValues } from "../../adapters/sqlite/values.ts";
import { createSqliteScheduler } from "../../adapters/sqlite/scheduler.ts";
import {
  createSqliteSessionStore,
  type SqliteSessionStoreOptions,
} from "../../adapters/sqlite/session-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Ports } from "../../ports/index.ts";
import type { Scheduler } from "../../ports/scheduler.ts";
import { createSystemClock } from "../../util/system-clock.ts";

export interface LocalEngineOptions {
  workspaceDir: string;
  stateDb: string;
  sessionsDir: string;
  /** Touched when cron jobs change, so a gateway notices the CLI's changes (see adapters/sqlite/scheduler.ts). */
  cronSignal?: string;
  clock?: Clock;
  /** Read every page of state.db at open, so damage is reported at start (the gateway does). */
  checkState?: boolean;
  /** Told about damaged lines in a transcript (not a torn last line, which is normal after a kill). */
  onDamagedLines?: SqliteSessionStoreOptions["onCorruptLines"];
}

/** The local ports, plus restart recovery that only the single owner of state.db may use. */
export interface LocalPorts extends Ports {
  /** Makes messages a crashed run left in flight deliverable now (see SqliteQueue.releaseInFlight). */
  releaseInFlight(): Promise<number>;
  /** Cron jobs, their runs and system events (local only for now; the serverless engine has none yet). */
  scheduler: Scheduler;
}

export function createLocalPorts(options: LocalEngineOptions): LocalPorts {
  const clock = options.clock ?? createSystemClock();
  const db = openStateDb(options.stateDb, { check: options.checkState });
  let closed = false;
  const queue = createSqliteQueue({ db, clock });
  return {
    clock,
    workspace: createFsWorkspace({ root: options.workspaceDir }),
    sessions: createSqliteSessionStore({
      db,
      dir: options.sessionsDir,
      clock,
      ...(options.onDamagedLines && { onCorruptLines: options.onDamagedLines }),
    }),
    claims: createSqliteClaims({ db, clock }),
    queue,
    releaseInFlight: () => queue.releaseInFlight(),
    outbox: createSqliteOutbox({ db }),
    pairings: createSqlitePairings({ db, clock }),
    values: createSqliteValues({ db, clock }),
    scheduler: createSqliteScheduler({
      db,
      clock,
      ...(options.cronSignal && { changeSignal: options.cronSignal }),
    }),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
