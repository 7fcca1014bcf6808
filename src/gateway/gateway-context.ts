// Everything the gateway's routes share. Built once by gateway/server.ts; route modules receive it.
import type { ChannelRegistry } from "../channels/registry.ts";
import type { Config } from "../config/schema.ts";
import type { Heartbeat } from "../core/heartbeat/heartbeat.ts";
import type { IntakeGate } from "../core/intake/intake-gate.ts";
import type { LastRoute } from "./last-route.ts";
import type { JobRunner } from "../core/intake/job-runner.ts";
import type { LocalAssistant } from "../engines/local/assistant.ts";
import type { Approvals } from "./approval/approvals.ts";
import type { GatewayChannels } from "./channel-host.ts";
import type { GatewayAuth } from "./auth.ts";
import type { EventHub } from "./event-hub.ts";
import type { LogBuffer } from "./log-buffer.ts";

export interface GatewayContext {
  version: string;
  /** The config in force now (hot reloaded: read it per request, do not keep it). */
  config(): Config;
  /**
   * Validates and writes a change to config.json (dotted keys → values, undefined removes), then
   * applies it. Contract: a patch that fails validation throws a ConfigError and changes nothing.
   */
  patchConfig(patch: Record<string, unknown>): Promise<Config>;
  /** The local assistant: ports (sessions, workspace, queue, outbox), tools, model. */
  assistant: LocalAssistant;
  /** Accepts jobs durably and reports their outcomes. */
  runner: JobRunner;
  /** The chat the owner last wrote from (deliver "last"). */
  lastRoute: LastRoute;
  /** Periodic and event-woken check-ins in the main session. */
  heartbeat: Heartbeat;
  /** Intake that must be acknowledged fast runs through this gate; turns wait for it to go quiet. */
  intake: IntakeGate;
  events: EventHub;
  /** The channels running here, by id: `POST /<id>/webhook` and deliveries are routed through it. */
  channels: ChannelRegistry;
  /** The channel modules' lifecycles here (a channel without its settings stays stopped): status, groups. */
  gatewayChannels: GatewayChannels;
  /** Commands waiting for their owner's approval in the web chat or Telegram. */
  approvals: Approvals;
  logs: LogBuffer;
  auth: GatewayAuth;
  /** The address the gateway listens on (gateway.bind or --bind): a Host name it answers to. */
  bind: string;
  /** When the gateway started, in Clock milliseconds. */
  startedAt: number;
  /** True once the gateway takes turns (runner started, not draining). */
  ready(): boolean;
  /** Aborts when the gateway shuts down: requests waiting for an outcome answer 503 "retry later". */
  shutdown: AbortSignal;
  /** True while SIGTERM drains: new work is refused with 503. */
  draining(): boolean;
}
