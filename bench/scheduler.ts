// Scheduler figures with 10,000 cron jobs on a real state.db: the time to add them through the cron
// service, the memory the scheduler holds for them (in a process of its own), how late one-shot jobs
// fire with them stored, and a gateway started on them: its start until /readyz (the catch-up reads
// every job) and its CPU while idle (one timer at the earliest job, no polling: near zero).
import { execFileSync, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateDb } from "../src/adapters/sqlite/db.ts";
import { createTimerAlarm } from "../src/adapters/local/timer-alarm.ts";
import { createSqliteClaims } from "../src/adapters/sqlite/claims.ts";
import { createSqliteCronStore } from "../src/adapters/sqlite/cron-store.ts";
import type { CronAddInput } from "../src/core/cron/cron-input.ts";
import { type CronExecute, createCronService } from "../src/core/cron/cron-service.ts";
import { DEFAULT_STUCK_MS } from "../src/core/cron/run-state.ts";
import { nextRunAfter } from "../src/core/cron/schedule.ts";
import { createSystemClock } from "../src/util/system-clock.ts";
import { startOpenAIChatFake } from "../test/fakes/openai-chat-server.ts";
import type { SchedulerMemory } from "./scheduler-memory.ts";
import { type Summary, summarize } from "./stats.ts";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.ts";

const OWNER = { kind: "owner" } as const;
/** No stored job falls due this soon, so that none fires while the bench runs. */
const QUIET_MS = 30 * 60_000;

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"];
const EXPRESSIONS = ["0 7 * * *", "30 8 * * 1-5", "0 9 1 * *", "15 18 * * 0", "0 */6 * * *", "45 12 * * 6"];
const INTERVALS = ["1h", "2h", "6h", "1d", "7d"];

/** The i-th of the stored jobs: cron expressions in a few zones, intervals and one-shots, all due later. */
function jobInput(i: number, now: number): CronAddInput {
  const what =
    i % 2 === 0
      ? { systemEvent: `Reminder ${i}: stand up and stretch` }
      : { message: `Summarise what is new in project ${i}`, deliver: "none" as const };
  switch (i % 3) {
    case 0: {
      const tz = ZONES[Math.floor(i / 3) % ZONES.length]!;
      for (let k = 0; ; k++) {
        const cron = EXPRESSIONS[(i + k) % EXPRESSIONS.length]!;
        if (nextRunAfter({ kind: "cron", expr: cron, tz }, now)! > now + QUIET_MS)
          return { cron, tz, ...what };
      }
    }
    case 1:
      return { every: INTERVALS[i % INTERVALS.length]!, ...what };
    default:
      return { at: `in ${1 + (i % 500)}h`, ...what };
  }
}

function openCron(dir: string) {
  const db = openStateDb(join(dir, "state.db"));
  const clock = createSystemClock();
  const changeSignal = join(dir, "cron.changed");
  const store = createSqliteCronStore({ db, clock, changeSignal });
  const alarm = createTimerAlarm({ store, clock, stuckMs: DEFAULT_STUCK_MS, changeSignal });
  let n = 0;
  const cron = createCronService({
    store,
    alarm,
    claims: createSqliteClaims({ db, clock }),
    clock,
    timeZone: () => "UTC",
    newId: () => `bench${n++}`,
  });
  return { db, clock, cron };
}

/** The process's CPU time so far (user + system, all threads), in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** The event loop's wake-ups so far: the main thread's context switches (voluntary and not). */
function wakeups(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return [...status.matchAll(/ctxt_switches:\s+(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

export interface SchedulerFigures {
  add: { jobs: number; seconds: number; perSecond: number };
  memory: SchedulerMemory;
  /** How late `at` jobs were executed: the execute call's time minus the job's due time. */
  lateness: Summary;
  gateway: {
    jobs: number;
    startMs: number;
    idleSeconds: number;
    /** CPU time over the idle window (utime + stime from /proc/<pid>/stat) per second of wall time. */
    cpuMsPerSecond: number;
    cpuPercent: number;
    /** The clock ticks counted, and a tick's length: the measure's resolution. */
    ticks: number;
    tickMs: number;
    /** The event loop thread's wake-ups per second while idle. */
    wakeupsPerSecond: number;
  };
}

export async function benchScheduler(
  options: { jobs?: number; onceJobs?: number; spreadMs?: number; idleMs?: number } = {},
): Promise<SchedulerFigures> {
  const jobs = options.jobs ?? 10_000;
  const onceJobs = options.onceJobs ?? 500;
  const spreadMs = options.spreadMs ?? 6_000;
  const dir = await mkdtemp(join(tmpdir(), "ac-bench-cron-"));
  const home = await mkdtemp(join(tmpdir(), "ac-bench-cron-gw-"));
  try {
    // 1. Add the jobs one at a time, as the CLI or the cron tool does: each is durable before the next.
    let store = openCron(dir);
    const now = store.clock.now();
    const inputs = Array.from({ length: jobs }, (_, i) => jobInput(i, now));
    const t0 = performance.now();
    for (const input of inputs) await store.cron.add(input, OWNER);
    const seconds = (performance.now() - t0) / 1000;
    store.db.close();
    const agentHome = join(home, ".agent-claw");
    await mkdir(agentHome, { recursive: true });
    await copyFile(join(dir, "state.db"), join(agentHome, "state.db"));

    // 2. Memory, in a process of its own.
    const child = fork(join(import.meta.dirname, "scheduler-memory.ts"), [join(dir, "state.db")], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const memory = await new Promise<SchedulerMemory>((resolve, reject) => {
      child.once("message", (figures) => resolve(figures as SchedulerMemory));
      child.once("exit", (code) => reject(new Error(`the memory probe exited with ${code}`)));
    });
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r));

    // 3. Lateness: one-shots due over the next seconds, beside the stored jobs, with the service started.
    store = openCron(dir);
    const { clock, cron } = store;
    const late: number[] = [];
    const ids = new Set<string>();
    const execute: CronExecute = async (job) => {
      const at = clock.now();
      if (ids.has(job.id)) late.push(at - job.state.nextRunAt!);
      return { ok: true };
    };
    const stop = new AbortController();
    try {
      await cron.start(execute, stop.signal);
      const first = clock.now() + 2_500;
      for (let i = 0; i < onceJobs; i++) {
        // Millisecond due times (an ISO time with a zone keeps them), evenly over the spread.
        const due = first + Math.round((i * spreadMs) / onceJobs);
        const job = await cron.add({ at: new Date(due).toISOString(), systemEvent: `lateness ${i}` }, OWNER);
        if (job.state.nextRunAt !== due)
          throw new Error(`an at job is due ${job.state.nextRunAt}, not ${due}`);
        ids.add(job.id);
      }
      // Until every one has run and its run is recorded.
      const deadline = first + spreadMs + 10_000;
      const settled = async () => {
        if (late.length < onceJobs) return false;
        for (const id of ids) if ((await cron.get(id, OWNER)).state.lastStatus !== "ok") return false;
        return true;
      };
      while (!(await settled())) {
        if (clock.now() > deadline) throw new Error(`only ${late.length} of ${onceJobs} at jobs fired`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stop.abort();
      store.db.close();
    }

    // 4. A gateway on the stored jobs: start until /readyz, then CPU over an idle window.
    const fake = await startOpenAIChatFake({ onExhausted: "text" });
    let running: GatewayProcess | undefined;
    try {
      running = await startGatewayProcess({ home, agentHome, modelUrl: fake.url });
      const { child: gateway, startMs } = running;
      await new Promise((r) => setTimeout(r, 2_000));
      const ticks0 = cpuTicks(gateway.pid!);
      const wakeups0 = wakeups(gateway.pid!);
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, options.idleMs ?? 10_000));
      const ticks = cpuTicks(gateway.pid!) - ticks0;
      const woke = wakeups(gateway.pid!) - wakeups0;
      const idleSeconds = (performance.now() - w0) / 1000;
      const tickMs = 1000 / clockTicksPerSecond();
      const cpuMsPerSecond = (ticks * tickMs) / idleSeconds;
      return {
        add: { jobs, seconds, perSecond: jobs / seconds },
        memory,
        lateness: summarize(late),
        gateway: {
          jobs,
          startMs,
          idleSeconds,
          cpuMsPerSecond,
          cpuPercent: cpuMsPerSecond / 10,
          ticks,
          tickMs,
          wakeupsPerSecond: woke / idleSeconds,
        },
      };
    } finally {
      await running?.stop();
      await fake.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}
