// The terminal chat beside a running gateway: heartbeats and reminders run in the gateway, so the chat
// follows the control protocol's `notice` events for its session and prints them as they happen. No
// gateway, nothing runs them: nothing to follow. A gateway started later is not picked up.
import type { Notice } from "../gateway/event-hub.ts";
import type { LocalAssistant } from "../engines/local/assistant.ts";
import { openGatewaySocket } from "./gateway-socket.ts";

export interface NoticeFollow {
  close(): void;
}

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
    const ws = await openGatewaySocket(assistant, env, "agent-claw chat");
    if (!ws) return none;
    ws.on("error", () => {}); // unreachable or gone: the chat goes on without notices
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
