// The gateway's side of the channel modules (src/channels/index.ts): what it gives each channel (its
// ports, config, runner, approvals), and their lifecycle together: start, reconfigure, stop.
import type { ChannelDeps } from "../channels/channel-deps.ts";
import type { ChannelModule, GatewayChannel, GatewayChannelHost } from "../channels/channel-module.ts";
import { CHANNEL_MODULES } from "../channels/index.ts";
import type { GatewayContext } from "./gateway-context.ts";

/** One channel module running in this gateway. */
export interface RunningChannel {
  module: ChannelModule;
  channel: GatewayChannel;
}

/** Every channel module of this build, as the gateway runs them. Contract: none of these reject. */
export interface GatewayChannels {
  readonly list: readonly RunningChannel[];
  get(id: string): GatewayChannel | undefined;
  start(): Promise<void>;
  reconfigure(): Promise<void>;
  stop(): Promise<void>;
}

/** What the gateway gives its channels: its ports, config, log, runner, and what only it can do. */
export function gatewayChannelDeps(ctx: GatewayContext): ChannelDeps {
  return {
    ports: ctx.assistant.ports,
    config: () => ctx.config(),
    // Debug lines (typing skipped during a flood wait, every few seconds per turn) stay out of the log.
    log: (level, message) => {
      if (level !== "debug") ctx.logs.log(level, message);
    },
    redact: (text) => ctx.logs.redact(text),
    submit: (job) => ctx.runner.submit(job),
    tools: () => ctx.assistant.tools,
    patchConfig: (patch) => ctx.patchConfig(patch),
    noteLastRoute: async (to) => ctx.lastRoute.note(to),
    timeZone: () => ctx.assistant.timeZone,
  };
}

function channelHost(ctx: GatewayContext): GatewayChannelHost {
  return {
    deps: gatewayChannelDeps(ctx),
    home: ctx.assistant.paths.home,
    registry: ctx.channels,
    track: (work) => ctx.intake.track(work),
    approvals: ctx.approvals,
  };
}

/**
 * Builds every module's gateway side, each registering its runtime in ctx.channels (webhooks and
 * deliveries are routed by id from then on); nothing connects before start().
 */
export async function openGatewayChannels(
  ctx: GatewayContext,
  modules: readonly ChannelModule[] = CHANNEL_MODULES,
): Promise<GatewayChannels> {
  const host = channelHost(ctx);
  const list: RunningChannel[] = await Promise.all(
    modules.map(async (module) => ({ module, channel: await module.startInGateway(host) })),
  );
  const each = (act: (channel: GatewayChannel) => Promise<void>) =>
    Promise.all(list.map(({ channel }) => act(channel))).then(() => {});
  return {
    list,
    get: (id) => list.find((running) => running.module.id === id)?.channel,
    start: () => each((channel) => channel.start()),
    reconfigure: () => each((channel) => channel.reconfigure()),
    stop: () => each((channel) => channel.stop()),
  };
}
