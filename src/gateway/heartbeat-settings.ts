// The heartbeat's settings from config (heartbeat.*) and the user's time zone.
import type { Config } from "../config/schema.ts";
import type { HeartbeatSettings } from "../core/heartbeat/heartbeat.ts";

export function heartbeatSettings(config: Config["heartbeat"], timeZone: string): HeartbeatSettings {
  return {
    enabled: config.enabled,
    everyMs: config.everyMinutes * 60_000,
    ...(config.activeHours && { activeHours: config.activeHours }),
    timeZone,
    ...(config.model && { model: config.model }),
    target:
      typeof config.target === "string"
        ? config.target
        : {
            channel: config.target.channel,
            account: config.target.account ?? "default",
            chatId: config.target.chatId,
          },
    ackMaxChars: config.ackMaxChars,
  };
}
