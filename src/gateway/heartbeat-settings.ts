// The heartbeat's settings from config (heartbeat.*) and the user's time zone. The zone is asked
// for only when used (active hours, a beat's prompt): the first ask loads ICU's zone data (8 MB),
// which a gateway whose heartbeat has nothing to do never needs.
import type { Config } from "../config/schema.ts";
import type { HeartbeatSettings } from "../core/heartbeat/heartbeat.ts";

export function heartbeatSettings(config: Config["heartbeat"], timeZone: () => string): HeartbeatSettings {
  return {
    get timeZone() {
      return timeZone();
    },
    enabled: config.enabled,
    everyMs: config.everyMinutes * 60_000,
    ...(config.activeHours && { activeHours: config.activeHours }),
    ...(config.model && { model: config.model }),
    target:
      typeof config.target === "string"
        ? config.target
        : { ...config.target, account: config.target.account ?? "default" },
    ackMaxChars: config.ackMaxChars,
  };
}
