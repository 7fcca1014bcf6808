// The set of ports an engine provides; the core receives one of these and never builds adapters.
import type { Alarm } from "./alarm.ts";
import type { Claims } from "./claims.ts";
import type { Clock } from "./clock.ts";
import type { CronStore } from "./cron-store.ts";
import type { Memory } from "./memory.ts";
import type { Outbox } from "./outbox.ts";
import type { Pairings } from "./pairings.ts";
import type { Queue } from "./queue.ts";
import type { SessionStore } from "./session-store.ts";
import type { UsageLedger } from "./usage.ts";
import type { Values } from "./values.ts";
import type { Workspace } from "./workspace.ts";

export interface Ports {
  workspace: Workspace;
  sessions: SessionStore;
  claims: Claims;
  queue: Queue;
  outbox: Outbox;
  pairings: Pairings;
  /** Small state by key that any process may read (the last route, hook jobs accepted). */
  values: Values;
  /** Cron jobs, their runs, and system events waiting for the heartbeat. */
  cron: CronStore;
  /** When cron jobs next need looking at (a timer locally, EventBridge schedules on AWS). */
  alarm: Alarm;
  /** Every model call's tokens and estimated cost (agent-claw usage, daily limits). */
  usage: UsageLedger;
  clock: Clock;
  /** Search over notes and past conversations; absent where the engine has none wired (no memory tools then). */
  memory?: Memory;
  /** Contract: releases files, connections and timers; safe to call twice. */
  close(): Promise<void>;
}
