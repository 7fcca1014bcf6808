// The local engine's composition root: a workspace folder, one SQLite state.db and JSONL transcripts.
import { createFsWorkspace } from "../../adapters/fs/workspace.ts";
import { createSqliteClaims } from "../../adapters/sqlite/claims.ts";
import { openStateDb } from "../../adapters/sqlite/db.ts";
import { createSqliteQueue } from "../../adapters/sqlite/queue.ts";
import { createSqliteSessionStore } from "../../adapters/sqlite/session-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Ports } from "../../ports/index.ts";
import { createSystemClock } from "../../util/system-clock.ts";

export interface LocalEngineOptions {
  workspaceDir: string;
  stateDb: string;
  sessionsDir: string;
  clock?: Clock;
}

export function createLocalPorts(options: LocalEngineOptions): Ports {
  const clock = options.clock ?? createSystemClock();
  const db = openStateDb(options.stateDb);
  let closed = false;
  return {
    clock,
    workspace: createFsWorkspace({ root: options.workspaceDir }),
    sessions: createSqliteSessionStore({ db, dir: options.sessionsDir, clock }),
    claims: createSqliteClaims({ db, clock }),
    queue: createSqliteQueue({ db, clock }),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
