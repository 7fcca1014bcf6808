// What `agent-claw gateway` prints once it is ready: the web chat and the API, each chat channel (the
// Telegram bot that answers, or why none does), and where the access token is, by full path when in a file.
import { join } from "node:path";
import type { ChannelStatus } from "../channels/channel-module.ts";
import type { RunningGateway } from "../gateway/server.ts";
import { bold, dim } from "./io.ts";

/**
 * The banner. On a terminal the web chat link carries the token; elsewhere (a service, whose
 * stdout ends up in its logs) it does not, and the banner says where to read the token instead.
 */
export function gatewayBanner(gateway: RunningGateway, terminal: boolean): string {
  const { auth, gatewayChannels, assistant } = gateway.ctx;
  const link = terminal ? `${gateway.url}/#token=${encodeURIComponent(auth.token)}` : gateway.url;
  const lines = [
    `${bold("agent-claw gateway")} ready`,
    `  Web chat:  ${link}`,
    `  API:       ${gateway.url}/v1`,
    ...gatewayChannels.list.map(
      ({ module, channel }) => `  ${`${module.label}:`.padEnd(10)} ${channelLine(channel.status())}`,
    ),
  ];
  if (!terminal || auth.source !== "generated") {
    const from =
      auth.source === "generated"
        ? `in ${join(assistant.paths.home, "gateway.token")}`
        : auth.source === "env"
          ? "from AGENT_CLAW_GATEWAY_TOKEN"
          : `from gateway.token in ${assistant.paths.configFile}`;
    lines.push(dim(`  Token:     ${from}`));
  }
  return `${lines.join("\n")}\n`;
}

/** "@my_bot, long polling" when connected; otherwise what is wrong, or how to switch it on. */
function channelLine(status: ChannelStatus): string {
  if (status.state === "running") return status.detail;
  if (status.state === "error") return `not connected: ${status.detail}`;
  return `off: ${status.detail}`;
}
