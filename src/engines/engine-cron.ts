// The cron service over an engine's store, alarm and claims, as every process builds it. Light on
// purpose (no model, no agent loop): the schedule Lambda's bundle uses it alone.
import { randomUUID } from "node:crypto";
import type { Config } from "../config/schema.ts";
import { createCronService, type CronService } from "../core/cron/cron-service.ts";
import type { Ports } from "../ports/index.ts";

export interface EngineCronOptions {
  /** The config in force (cron.stuckMinutes is read once, here). */
  config: Config;
  /** The user's time zone, asked when a time is shown or a schedule worked out. */
  timeZone: () => string;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export function createEngineCron(
  ports: Pick<Ports, "cron" | "alarm" | "claims" | "clock">,
  options: EngineCronOptions,
): CronService {
  return createCronService({
    store: ports.cron,
    alarm: ports.alarm,
    claims: ports.claims,
    clock: ports.clock,
    timeZone: options.timeZone,
    newId: () => randomUUID().replaceAll("-", "").slice(0, 12),
    stuckMs: options.config.cron.stuckMinutes * 60_000,
    ...(options.log && { log: options.log }),
  });
}
