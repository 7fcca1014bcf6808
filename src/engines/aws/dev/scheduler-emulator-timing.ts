// When a schedule of the local EventBridge Scheduler fires: its at(), rate() or cron() expression
// read as the service reads it (at() and cron() in ScheduleExpressionTimezone, cron() with croner),
// and the firing's Input with the context attributes substituted.
import { Cron } from "croner";
import { awsCronToCroner } from "../../../adapters/eventbridge/aws-cron.ts";
import { isTimeZone, zonedTimeToEpoch } from "../../../core/cron/zoned-time.ts";

export type Timing =
  { kind: "at"; at: number } | { kind: "rate"; everyMs: number } | { kind: "cron"; cron: Cron };

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Reads an expression, or says what is wrong in the service's words (a ValidationException). */
export function parseExpression(
  expression: string,
  timeZone = "UTC",
): { ok: true; timing: Timing } | { ok: false; error: string } {
  if (!isTimeZone(timeZone)) return { ok: false, error: `Invalid ScheduleExpressionTimezone: ${timeZone}` };
  const invalid = { ok: false as const, error: `Invalid Schedule Expression ${expression}.` };
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return {
      ok: true,
      timing: { kind: "at", at: zonedTimeToEpoch({ year, month, day, hour, minute, second }, timeZone) },
    };
  }
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    return value > 0 ? { ok: true, timing: { kind: "rate", everyMs: value * UNIT_MS[rate[2]!]! } } : invalid;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const read = awsCronToCroner(cron[1]!);
    if (!read.ok) return { ok: false, error: read.error };
    try {
      return {
        ok: true,
        timing: { kind: "cron", cron: new Cron(read.expr, { timezone: timeZone, paused: true }) },
      };
    } catch {
      return invalid;
    }
  }
  return invalid;
}

/**
 * The first slot of a schedule made or changed at `from`: a rate() starts at its StartDate, or at
 * once without one; a cron() at its first time after `from` (and not before its StartDate).
 */
export function firstSlot(timing: Timing, from: number, startDate?: number): number | undefined {
  switch (timing.kind) {
    case "at":
      return timing.at;
    case "rate": {
      if (startDate === undefined || startDate >= from) return startDate ?? from;
      return startDate + Math.ceil((from - startDate) / timing.everyMs) * timing.everyMs;
    }
    case "cron":
      // Strictly after: a schedule changed at 09:00 by the firing of 09:00 does not fire it again.
      return timing.cron
        .nextRun(new Date(Math.max(from, startDate === undefined ? from : startDate - 1)))
        ?.getTime();
  }
}

/** The slot after a firing at `slot`: none after an at(). */
export function slotAfter(timing: Timing, slot: number): number | undefined {
  switch (timing.kind) {
    case "at":
      return undefined;
    case "rate":
      return slot + timing.everyMs;
    case "cron":
      return timing.cron.nextRun(new Date(slot))?.getTime();
  }
}

/** "2026-11-22T09:00:00Z", as <aws.scheduler.scheduled-time> reads. */
export const scheduledTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The Input with the context attributes of one attempt substituted. */
export function substitute(
  input: string,
  context: { scheduleArn: string; scheduledAt: number; executionId: string; attempt: number },
): string {
  return input
    .replaceAll("<aws.scheduler.schedule-arn>", context.scheduleArn)
    .replaceAll("<aws.scheduler.scheduled-time>", scheduledTime(context.scheduledAt))
    .replaceAll("<aws.scheduler.execution-id>", context.executionId)
    .replaceAll("<aws.scheduler.attempt-number>", String(context.attempt));
}
