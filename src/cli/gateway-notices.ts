// The terminal chat beside a running gateway: heartbeats and reminders run in the gateway, so the chat
// follows the control protocol's `notice` events for its session and prints them as they happen. No
// gateway, nothing runs them: nothing to follow. A gateway started later is not picked up.
import WebSocket from "ws";
import { resolveGatewayAuth } from "../gateway/auth.ts";
import type { Notice } from "../gateway/event-hub.ts";
import { runningGatewayPid } from "../gateway/pid-lock.ts";
import type { LocalAssistant } from "../engines/local/assistant.ts";
import pkg from "../../package.json" with { type: "json" };

export interface NoticeFollow {
  close(): void;
}

/** Hosts a wildcard bind listens on are reached on loopback. */
const hostFor = (bind: string) =>
  bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "[::1]" : bind.includes(":") ? `[${bind}]` : bind;

/**
 * Follows the notices of `sessionKey` from the gateway running on this home folder, if one runs.
 * Contract: never throws; a gateway that cannot be reached means no notices, not a failed chat.
 */
export async function followGatewayNotices(
  assistant: Pick<LocalAssistant, "config" | "paths">,
  env: NodeJS.ProcessEnv,
  sessionKey: string,
  show: (notice: Notice) => void,
): Promise<NoticeFollow> {
  const none: NoticeFollow = { close() {} };
  try {
    if ((await runningGatewayPid(assistant.paths.home)) === undefined) return none;
    const { token } = await resolveGatewayAuth(env, assistant.config, assistant.paths);
    const { port, bind } = assistant.config.gateway;
    const ws = new WebSocket(`ws://${hostFor(bind)}:${port}/ws`);
    ws.on("error", () => {}); // unreachable or gone: the chat goes on without notices
    ws.on("open", () =>
      ws.send(
        JSON.stringify({
          type: "req",
          id: "connect",
          method: "connect",
          params: { token, client: { name: "agent-claw chat", version: pkg.version } },
        }),
      ),
    );
    ws.on("message", (data) => {
      let frame: { type?: string; event?: string; payload?: Notice };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (frame.type === "event" && frame.event === "notice" && frame.payload?.sessionKey === sessionKey)
        show(frame.payload);
    });
    return { close: () => ws.terminate() };
  } catch {
    return none;
  }
}
