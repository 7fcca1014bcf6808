// The local engine's composition root: a workspace folder, one SQLite state.db and JSONL transcripts.
import { createFsWorkspace } from "../../adapters/fs/workspace.ts";
import { createSqliteClaims } from "../../adapters/sqlite/claims.ts";
import { createSqliteMemory, type MemoryEmbedder } from "../../adapters/sqlite/memory-index.ts";
import { openStateDb } from "../../adapters/sqlite/db.ts";
import { createSqliteOutbox } from "../../adapters/sqlite/outbox.ts";
import { createSqlitePairings } from "../../adapters/sqlite/pairings.ts";
import { createSqliteQueue } from "../../adapters/sqlite/queue.ts";
import { createSqliteUsage } from "../../adapters/sqlite/usage.ts";
import { createSqliteValues } from "../../adapters/sqlite/values.ts";
import { createTimerAlarm } from "../../adapters/local/timer-alarm.ts";
import { createSqliteCronStore } from "../../adapters/sqlite/cron-store.ts";
import {
  createSqliteSessionStore,
  type SqliteSessionStoreOptions,
} from "../../adapters/sqlite/session-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Ports } from "../../ports/index.ts";
import type { Workspace } from "../../ports/workspace.ts";
import { normalizeWorkspacePath } from "../../core/workspace-path.ts";
import { createSystemClock } from "../../util/system-clock.ts";
import { DEFAULT_STUCK_MS } from "../../core/cron/run-state.ts";

export interface LocalEngineOptions {
  workspaceDir: string;
  stateDb: string;
  sessionsDir: string;
  /** Touched when cron jobs change, so a gateway notices the CLI's changes (see adapters/sqlite/cron-store.ts). */
  cronSignal?: string;
  clock?: Clock;
  /** A cron run going longer than this is recorded as stuck (default 2 h; the cron service's stuckMs). */
  cronStuckMs?: number;
  /** Read every page of state.db at open, so damage is reported at start (the gateway does). */
  checkState?: boolean;
  /** Told about damaged lines in a transcript (not a torn last line, which is normal after a kill). */
  onDamagedLines?: SqliteSessionStoreOptions["onCorruptLines"];
  /** The memory index (memory.db); absent: no memory, and no memory tools. */
  memoryDb?: string;
  /** Embeds notes and queries for hybrid search (config memory.embeddings); absent: BM25 alone. */
  memoryEmbedder?: MemoryEmbedder;
  /** Told when a memory search fell back to keywords. Contract: must not throw. */
  memoryWarn?: (message: string) => void;
}

/** The local ports, plus restart recovery that only the single owner of state.db may use. */
export interface LocalPorts extends Ports {
  /** Makes messages a crashed run left in flight deliverable now (see SqliteQueue.releaseInFlight). */
  releaseInFlight(): Promise<number>;
}

export function createLocalPorts(options: LocalEngineOptions): LocalPorts {
  const clock = options.clock ?? createSystemClock();
  const db = openStateDb(options.stateDb, { check: options.checkState });
  let closed = false;
  const queue = createSqliteQueue({ db, clock });
  const cron = createSqliteCronStore({
    db,
    clock,
    ...(options.cronSignal && { changeSignal: options.cronSignal }),
  });
  const sessions = createSqliteSessionStore({
    db,
    dir: options.sessionsDir,
    clock,
    ...(options.onDamagedLines && { onCorruptLines: options.onDamagedLines }),
  });
  const files = createFsWorkspace({ root: options.workspaceDir });
  const memory =
    options.memoryDb === undefined
      ? undefined
      : createSqliteMemory({
          path: options.memoryDb,
          root: options.workspaceDir,
          clock,
          sessions,
          ...(options.memoryEmbedder && { embedder: options.memoryEmbedder }),
          ...(options.memoryWarn && { warn: options.memoryWarn }),
        });
  return {
    clock,
    // The agent's own writes reach the memory index at once; other edits are found by its stat walk.
    workspace: memory ? tellingWrites(files, (path) => memory.noteChanged(path)) : files,
    sessions,
    ...(memory && { memory }),
    claims: createSqliteClaims({ db, clock }),
    queue,
    releaseInFlight: () => queue.releaseInFlight(),
    outbox: createSqliteOutbox({ db }),
    pairings: createSqlitePairings({ db, clock }),
    values: createSqliteValues({ db, clock }),
    usage: createSqliteUsage({ db }),
    cron,
    alarm: createTimerAlarm({
      store: cron,
      clock,
      stuckMs: options.cronStuckMs ?? DEFAULT_STUCK_MS,
      ...(options.cronSignal && { changeSignal: options.cronSignal }),
    }),
    async close() {
      if (closed) return;
      closed = true;
      await memory?.close();
      db.close();
    },
  };
}

/** The workspace, telling `changed` the path of every file written or removed through it. */
function tellingWrites(workspace: Workspace, changed: (path: string) => void): Workspace {
  const tell = (path: string) => {
    try {
      changed(normalizeWorkspacePath(path));
    } catch {
      // A path the workspace refused anyway.
    }
  };
  return {
    location: workspace.location,
    read: (path) => workspace.read(path),
    stat: (path) => workspace.stat(path),
    list: (dir, options) => workspace.list(dir, options),
    async write(path, data) {
      await workspace.write(path, data);
      tell(path);
    },
    async remove(path) {
      await workspace.remove(path);
      tell(path);
    },
  };
}
