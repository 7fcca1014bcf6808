// The stand-in's runtime sessions: one runtime process per session id, started on its first invocation
// and reused after, its /ping polled, and ended the way AgentCore ends a microVM: idle past the idle
// timeout, past its maximum lifetime, on StopRuntimeSession, or by crashing.
import { createHash } from "node:crypto";
import {
  type PingReading,
  type RuntimeCommand,
  type RuntimeProcess,
  spawnRuntime,
} from "./agentcore-emulator-process.ts";

/** AgentCore's answer to a session whose runtime did not come up (it says the same for a crash). */
export class ColdStartError extends Error {
  override readonly name = "ColdStartError";
}

export interface SessionLimits {
  idleTimeoutMs: number;
  maxLifetimeMs: number;
}

export interface SessionActivity {
  startedAt: number;
  /** When the last invocation ended (or the session started): the idle clock when /ping cannot say. */
  lastActivityAt: number;
  /** Invocations being forwarded now. */
  inFlight: number;
  ping?: PingReading;
}

/**
 * Why AgentCore would end the session now, or undefined. A session serving an invocation is never idle.
 * /ping with a timestamp: Healthy counts idle from the later of the timestamp and the last invocation,
 * HealthyBusy never idles. /ping without a timestamp counts from the last invocation even while it says
 * HealthyBusy (seen on AgentCore: reaped at exactly the idle timeout, background work and all).
 */
export function reapReason(
  session: SessionActivity,
  now: number,
  limits: SessionLimits,
): "idle" | "lifetime" | undefined {
  if (now - session.startedAt >= limits.maxLifetimeMs) return "lifetime";
  if (session.inFlight > 0) return undefined;
  const stamp = session.ping?.time_of_last_update;
  let idleSince = session.lastActivityAt;
  if (stamp !== undefined) {
    if (session.ping?.status === "HealthyBusy") return undefined;
    idleSince = Math.max(idleSince, stamp * 1000);
  }
  return now - idleSince >= limits.idleTimeoutMs ? "idle" : undefined;
}

/** Where a session's runtime keeps its disk: per session id, as AgentCore's session storage is. */
export function sessionDirName(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex").slice(0, 16);
}

export interface Session extends SessionActivity {
  readonly id: string;
  readonly process: RuntimeProcess;
}

export interface SessionStats {
  /** Runtime processes started (cold starts that came up). */
  started: number;
  /** Cold starts that failed (failNextColdStarts, a crash, or no /ping in time). */
  failedStarts: number;
  reaped: { idle: number; lifetime: number };
  /** Ended by StopRuntimeSession. */
  stopped: number;
  /** Exited on their own. */
  crashed: number;
  /** Sessions with a live process now. */
  live: number;
}

export interface SessionPoolOptions {
  command: RuntimeCommand;
  /** The environment of a session's process (AGENT_CLAW_RUNTIME_DIR is set per session). */
  env: (sessionId: string) => Record<string, string>;
  limits: SessionLimits;
  pingIntervalMs: number;
  initTimeoutMs: number;
  now: () => number;
  log: (line: string) => void;
}

export interface SessionPool {
  /** The session's process, started (and waited for until /ping answers) when it has none. */
  acquire(id: string): Promise<Session>;
  /** An invocation of the session ended: its idle clock starts again. */
  release(session: Session): void;
  /** Ends the session's process; false when it had none. */
  stop(id: string): Promise<boolean>;
  failNextColdStarts(count: number): void;
  get(id: string): Session | undefined;
  list(): Session[];
  stats(): SessionStats;
  close(): Promise<void>;
}

export function createSessionPool(options: SessionPoolOptions): SessionPool {
  const sessions = new Map<string, Session>();
  const starting = new Map<string, Promise<Session>>();
  const ending = new Set<Promise<void>>();
  const counts = { started: 0, failedStarts: 0, idle: 0, lifetime: 0, stopped: 0, crashed: 0 };
  let failures = 0;
  let closed = false;

  const end = (session: Session, why: "idle" | "lifetime" | "stopped") => {
    if (sessions.get(session.id) !== session) return Promise.resolve();
    sessions.delete(session.id);
    options.log(
      `session ${session.id} ended (${why === "stopped" ? "StopRuntimeSession" : `${why} timeout`})`,
    );
    // Counted once the process is gone, so a test that sees the count sees the process ended.
    const done = session.process.kill().then(() => void counts[why]++);
    ending.add(done);
    void done.finally(() => ending.delete(done));
    return done;
  };

  const start = async (id: string): Promise<Session> => {
    if (failures > 0) {
      failures--;
      counts.failedStarts++;
      throw new ColdStartError(`the runtime of session ${id} was told to fail its cold start`);
    }
    const child = await spawnRuntime(options.command, options.env(id), (line) =>
      options.log(`[${id.slice(0, 12)}…] ${line}`),
    );
    const deadline = options.now() + options.initTimeoutMs;
    let reading: PingReading | undefined;
    while (!closed && !child.dead && options.now() < deadline) {
      reading = await child.ping(500);
      if (reading) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!reading || closed) {
      counts.failedStarts++;
      await child.kill(500);
      throw new ColdStartError(
        child.dead
          ? `the runtime of session ${id} exited before answering /ping`
          : `the runtime of session ${id} did not answer /ping within ${options.initTimeoutMs} ms`,
      );
    }
    const now = options.now();
    const session: Session = {
      id,
      process: child,
      startedAt: now,
      lastActivityAt: now,
      inFlight: 0,
      ping: reading,
    };
    sessions.set(id, session);
    counts.started++;
    void child.exited.then(() => {
      if (sessions.get(id) !== session) return;
      sessions.delete(id);
      counts.crashed++;
      options.log(`session ${id} ended: its runtime process exited`);
    });
    return session;
  };

  let sweeping = false;
  const sweep = async () => {
    if (sweeping || closed) return;
    sweeping = true;
    try {
      await Promise.all(
        [...sessions.values()].map(async (session) => {
          const reading = await session.process.ping(Math.min(options.pingIntervalMs, 2_000));
          if (reading) session.ping = reading;
          const reason = reapReason(session, options.now(), options.limits);
          if (reason) await end(session, reason);
        }),
      );
    } finally {
      sweeping = false;
    }
  };
  const timer = setInterval(() => void sweep(), options.pingIntervalMs);
  timer.unref();

  // A test runner or CLI that exits without close() must not leave runtime processes behind.
  const onExit = () => {
    for (const session of sessions.values()) session.process.killNow();
  };
  process.once("exit", onExit);

  return {
    acquire(id) {
      if (closed) return Promise.reject(new ColdStartError("the AgentCore stand-in is closed"));
      const live = sessions.get(id);
      if (live && !live.process.dead) {
        live.inFlight++;
        return Promise.resolve(live);
      }
      let pending = starting.get(id);
      if (!pending) {
        pending = start(id).finally(() => starting.delete(id));
        starting.set(id, pending);
      }
      return pending.then((session) => {
        session.inFlight++;
        return session;
      });
    },
    release(session) {
      session.inFlight = Math.max(0, session.inFlight - 1);
      session.lastActivityAt = options.now();
    },
    async stop(id) {
      const session = sessions.get(id) ?? (await starting.get(id)?.catch(() => undefined));
      if (!session || sessions.get(id) !== session) return false;
      await end(session, "stopped");
      return true;
    },
    failNextColdStarts(count) {
      failures = count;
    },
    get: (id) => sessions.get(id),
    list: () => [...sessions.values()],
    stats: () => ({
      started: counts.started,
      failedStarts: counts.failedStarts,
      reaped: { idle: counts.idle, lifetime: counts.lifetime },
      stopped: counts.stopped,
      crashed: counts.crashed,
      live: sessions.size,
    }),
    async close() {
      closed = true;
      clearInterval(timer);
      process.off("exit", onExit);
      await Promise.allSettled([...starting.values()]);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all([...all.map((session) => session.process.kill(1_000)), ...ending]);
    },
  };
}
