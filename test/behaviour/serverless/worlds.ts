// The engines the behaviour suite runs on, for `describe.each`: each starts a world of its own that
// the tests of one file share (fresh chats per test keep them apart).
import type { FakeClock } from "../../../src/util/fake-clock.ts";
import type { CrashWorld, ScheduleWorld } from "./chat-world.ts";
import { startDaemonProcessWorld } from "./daemon-process.ts";
import { startDaemonWorld } from "./daemon-world.ts";

export interface WorldKind {
  name: "daemon" | "aws";
  /**
   * Starts the engine on real time, or on `clock` where the engine takes one (the daemon: its
   * scheduler and heartbeat then move only when fire() moves the clock).
   */
  start(options?: { clock?: FakeClock; config?: Record<string, unknown> }): Promise<ScheduleWorld>;
}

const daemon: WorldKind = { name: "daemon", start: (options = {}) => startDaemonWorld(options) };

export const worlds: WorldKind[] = [daemon];

export interface CrashWorldKind {
  name: "daemon" | "aws";
  start(): Promise<CrashWorld>;
}

/** The daemon runs in a process of its own here, so that it can be killed. */
const daemonProcess: CrashWorldKind = { name: "daemon", start: () => startDaemonProcessWorld() };

export const crashWorlds: CrashWorldKind[] = [daemonProcess];
