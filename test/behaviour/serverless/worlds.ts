// The engines the behaviour suite runs on, for `describe.each`: each starts a world of its own that
// the tests of one file share (fresh chats per test keep them apart).
import type { FakeClock } from "../../../src/util/fake-clock.ts";
import { startAwsWorld } from "./aws-world.ts";
import type { CrashWorld, ScheduleWorld } from "./chat-world.ts";
import { startDaemonProcessWorld } from "./daemon-process.ts";
import { startDaemonWorld } from "./daemon-world.ts";

export interface WorldKind {
  name: "daemon" | "aws" | "aws+agentcore";
  /**
   * Starts the engine on real time, or on `clock` where the engine takes one (the daemon: its
   * scheduler and heartbeat then move only when fire() moves the clock).
   */
  start(options?: { clock?: FakeClock; config?: Record<string, unknown> }): Promise<ScheduleWorld>;
}

const daemon: WorldKind = { name: "daemon", start: (options = {}) => startDaemonWorld(options) };

/** aws dev runs on real time: it takes no clock, and its Scheduler fires only when fire() says so. */
const aws: WorldKind = {
  name: "aws",
  start: (options = {}) => startAwsWorld({ ...(options.config && { config: options.config }) }),
};

/** aws dev with turns in AgentCore: the runner streams each turn from a runtime process per session. */
const awsAgentCore: WorldKind = {
  name: "aws+agentcore",
  start: (options = {}) =>
    startAwsWorld({ turns: "agentcore", ...(options.config && { config: options.config }) }),
};

export const worlds: WorldKind[] = [daemon, aws, awsAgentCore];

export interface CrashWorldKind {
  name: "daemon" | "aws" | "aws+agentcore";
  start(): Promise<CrashWorld>;
}

/** The daemon runs in a process of its own here, so that it can be killed. */
const daemonProcess: CrashWorldKind = { name: "daemon", start: () => startDaemonProcessWorld() };

/** A killed runner's message comes back after 5 s (the visibility timeout), to a fresh environment. */
const awsCrash: CrashWorldKind = { name: "aws", start: () => startAwsWorld({ visibilitySeconds: 5 }) };

/** The killed runner was streaming the turn from AgentCore: its runtime's stream closes and the turn stops. */
const awsAgentCoreCrash: CrashWorldKind = {
  name: "aws+agentcore",
  start: () => startAwsWorld({ visibilitySeconds: 5, turns: "agentcore" }),
};

export const crashWorlds: CrashWorldKind[] = [daemonProcess, awsCrash, awsAgentCoreCrash];
