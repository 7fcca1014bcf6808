// channels.status: which ways to reach the assistant work right now. Each channel is a small source.
// channels.ignoredGroups: groups a chat channel heard from but does not take part in (to allow).
import { z } from "zod";
import { CHANNEL_MODULES } from "../../channels/index.ts";
import { type ControlServices, type MethodTable, method } from "./methods.ts";

/** running: served now; stopped: not served by this gateway; error: failing (detail says why); available: usable on its own, outside the gateway. */
export type ChannelState = "running" | "stopped" | "error" | "available";

/** One line of channels.status. */
export interface ChannelStatus {
  id: string;
  label: string;
  state: ChannelState;
  detail: string;
}

/** Where one channel's status comes from. */
export interface ChannelStatusSource {
  id: string;
  label: string;
  /** Contract: quick (no network calls); a throw is reported as state "error" with its message. */
  status(
    services: ControlServices,
  ): Pick<ChannelStatus, "state" | "detail"> | Promise<Pick<ChannelStatus, "state" | "detail">>;
}

const web: ChannelStatusSource = {
  id: "web",
  label: "Web chat (control WebSocket)",
  status: (services) => {
    const n = services.connectedClients();
    return { state: "running", detail: `${n} client${n === 1 ? "" : "s"} connected` };
  },
};

const http: ChannelStatusSource = {
  id: "http",
  label: "HTTP API",
  status: (services) => {
    const routes = services.routes().filter((r) => r.path.startsWith("/v1/") && r.method !== "ALL");
    if (routes.length === 0) return { state: "stopped", detail: "not served by this gateway" };
    // Route patterns read as paths: "/v1/models/:model{.+}" → "/v1/models/{model}".
    const path = (p: string) => p.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
    return {
      state: "running",
      detail: [...new Set(routes.map((r) => `${r.method} ${path(r.path)}`))].join(", "),
    };
  },
};

const cli: ChannelStatusSource = {
  id: "cli",
  label: "Terminal",
  status: () => ({ state: "available", detail: "`agent-claw chat` runs in its own process" }),
};

/** A chat channel module (src/channels/index.ts), as this gateway runs it. */
const chat = (id: string, label: string): ChannelStatusSource => ({
  id,
  label,
  status: ({ gateway }) =>
    gateway.gatewayChannels.get(id)?.status() ?? { state: "stopped", detail: "not run by this gateway" },
});

/** The channels every gateway has. */
export const builtInChannels: readonly ChannelStatusSource[] = [
  web,
  http,
  ...CHANNEL_MODULES.map((m) => chat(m.id, m.label)),
  cli,
];

/** The channels methods; channels.status reports `sources`. */
export function channelsMethods(sources: readonly ChannelStatusSource[] = builtInChannels): MethodTable {
  return {
    "channels.status": method(z.object({}).strict(), async (_params, services) => ({
      channels: await Promise.all(
        sources.map(async ({ id, label, status }): Promise<ChannelStatus> => {
          try {
            return { id, label, ...(await status(services)) };
          } catch (error) {
            return { id, label, state: "error", detail: (error as Error).message };
          }
        }),
      ),
    })),

    "channels.ignoredGroups": method(z.object({}).strict(), (_params, { gateway }) => ({
      groups: gateway.gatewayChannels.list.flatMap(({ module, channel }) =>
        channel.ignoredGroups().map((group) => ({ channel: module.id, ...group })),
      ),
    })),
  };
}
