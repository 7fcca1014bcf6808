// A chat platform as one module: how the gateway runs it (connect, reconnect, status), how a Lambda
// opens it, what doctor checks. src/channels/index.ts lists the modules; everything else reads the list.
import type { Config } from "../config/schema.ts";
import type { ApprovalDesk } from "../core/agent/approval-desk.ts";
import type { OutboxRecord } from "../ports/outbox.ts";
import type { ChannelRuntime } from "./channel.ts";
import type { ChannelDeps } from "./channel-deps.ts";
import type { ChannelRegistry } from "./registry.ts";

/** running: served now; stopped: off (detail says how to switch it on); error: failing (detail says why). */
export interface ChannelStatus {
  state: "running" | "stopped" | "error";
  detail: string;
}

/** A group chat the channel heard from but does not take part in (the owner may allow it). */
export interface IgnoredGroup {
  /** The chat id as the channel's `groups` setting takes it. */
  chatId: string;
  title?: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Messages seen since the first one. */
  messages: number;
}

/** What the gateway gives a channel it runs: nothing here is the gateway itself. */
export interface GatewayChannelHost {
  /** The gateway's ports, config, log and durable submit (with its daemon-only extras). */
  deps: ChannelDeps;
  /** <home>: where the channel keeps its own files (a polling offset, a generated webhook secret). */
  home: string;
  /** The runtime is registered here under the module's id; webhooks and deliveries find it there. */
  registry: ChannelRegistry;
  /** Intake that must be acknowledged fast runs through this (turns wait for it to go quiet). */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** exec approvals: asked in the chat of the turn, answered by the person who wrote. */
  approvals: ApprovalDesk;
}

/** One channel as the gateway runs it. Contract: none of these reject; problems show in status(). */
export interface GatewayChannel {
  /** Connects with the config in force. */
  start(): Promise<void>;
  /** Applies a new config (reconnects only when the connection settings changed). */
  reconfigure(): Promise<void>;
  stop(): Promise<void>;
  /** Contract: quick, no network call. */
  status(): ChannelStatus;
  /** Groups heard from that are not allowed, most recent first. */
  ignoredGroups(): IgnoredGroup[];
  /** Sends an outcome stored outside a turn (a pairing notice) now, or at the next start if it cannot. */
  deliverStored(record: OutboxRecord): void;
  /** Settles (with how many) once the replies the last run left undelivered were sent. */
  readonly recovery: Promise<number>;
}

/** A doctor line for the channel (`agent-claw doctor`). */
export interface ChannelCheck {
  status: "ok" | "warn" | "fail";
  detail: string;
  /** What to do about it (a warn or a fail). */
  fix?: string;
}

/** The variables a serverless function gets (its Lambda environment). */
export type ChannelEnv = Record<string, string | undefined>;

/** What a Lambda's channel needs besides its ChannelDeps. */
export interface ServerlessChannelSettings<Settings> {
  /** The settings for this cold start; absent when the channel is off here. */
  settings?: Settings;
  /** Every reason the channel cannot run as configured (named at cold start, all at once). */
  problems: string[];
}

export interface ChannelModule<Settings = unknown> {
  /** The registry id and the first path segment of its webhook (`/<id>/webhook`), e.g. "telegram". */
  readonly id: string;
  /** For people: "Telegram". */
  readonly label: string;
  /** On in this config with what it needs to connect (a bot token, ...). */
  configured(config: Config): boolean;
  /** The gateway's side: lifecycle around one runtime, registered in host.registry before this resolves. */
  startInGateway(host: GatewayChannelHost): Promise<GatewayChannel>;
  /** Serverless: reads and checks its settings from the config and the function's environment. */
  serverlessSettings(config: Config, env: ChannelEnv): ServerlessChannelSettings<Settings>;
  /** Serverless: the runtime for one cold start (registered by the caller). */
  openServerless(deps: ChannelDeps, settings: Settings): Promise<ChannelRuntime>;
  /** `agent-claw doctor`: checked when configured(); asks the platform. */
  doctor(config: Config): Promise<ChannelCheck>;
}
