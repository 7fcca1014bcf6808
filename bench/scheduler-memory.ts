// Forked by bench/scheduler.ts with --expose-gc: the memory the scheduler holds with the jobs of the
// state.db at argv[2] (10,000 of them, all due later). Baseline: the db open and the cron service
// made; then after start() (catch-up over every job, the watch armed at the earliest). Sends the
// figures to the parent over IPC.
import { openStateDb } from "../src/adapters/sqlite/db.ts";
import { createTimerAlarm } from "../src/adapters/local/timer-alarm.ts";
import { createSqliteClaims } from "../src/adapters/sqlite/claims.ts";
import { createSqliteCronStore } from "../src/adapters/sqlite/cron-store.ts";
import { DEFAULT_STUCK_MS } from "../src/core/cron/run-state.ts";
import { createCronService } from "../src/core/cron/cron-service.ts";
import { createSystemClock } from "../src/util/system-clock.ts";

export interface SchedulerMemory {
  jobs: number;
  rssMb: number;
  heapMb: number;
  /** RSS and heap (used, after gc) with the db open and the service made, before start(). */
  baseline: { rssMb: number; heapMb: number };
  /** How long start() took (the catch-up over every job). */
  startMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const settle = async () => {
  // Twice, with a turn of the event loop between: weak references and finalizers let go on the second.
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20 };
};

const [, , dbFile, signalFile] = process.argv;
const db = openStateDb(dbFile!);
const clock = createSystemClock();
const changeSignal = signalFile ? { changeSignal: signalFile } : {};
const store = createSqliteCronStore({ db, clock, ...changeSignal });
const cron = createCronService({
  store,
  alarm: createTimerAlarm({ store, clock, stuckMs: DEFAULT_STUCK_MS, ...changeSignal }),
  claims: createSqliteClaims({ db, clock }),
  clock,
  timeZone: () => "UTC",
  newId: () => "unused",
});
const stop = new AbortController();
const baseline = await settle();
const t0 = performance.now();
await cron.start(async () => ({ ok: true }), stop.signal);
const startMs = performance.now() - t0;
// start() arms the watch on a microtask; let it run its first query.
await new Promise((r) => setTimeout(r, 10));
const after = await settle();
const jobs = Number(db.prepare("SELECT count(*) AS n FROM cron_jobs").get()!["n"]);
stop.abort();
db.close();
const figures: SchedulerMemory = {
  jobs,
  rssMb: after.rssMb - baseline.rssMb,
  heapMb: after.heapMb - baseline.heapMb,
  baseline,
  startMs,
};
process.send!(figures, () => process.exit(0));
