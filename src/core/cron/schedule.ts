// When a job runs: once at an instant (`at`), at a fixed interval (`every`), or on a cron
// expression in a time zone (`cron`). Pure: the next run is a function of the schedule and a time.
import { Cron } from "croner";
import { formatDuration, parseDuration } from "./duration.ts";
import { isTimeZone, wallTime, zonedTimeToEpoch } from "./zoned-time.ts";

export type Schedule =
  | { kind: "at"; at: number }
  /** Runs at anchor + k·everyMs; the anchor is when the job was made, so runs keep their phase. */
  | { kind: "every"; everyMs: number; anchor: number }
  /** A 5-field (minute first) or 6-field (second first) expression, read in `tz`. */
  | { kind: "cron"; expr: string; tz: string };

/** The shortest interval accepted, so a typo cannot make a job that runs every millisecond. */
export const MIN_EVERY_MS = 10_000;

const patterns = new Map<string, Cron>();

function pattern(expr: string, tz: string): Cron {
  const key = `${tz} ${expr}`;
  let cron = patterns.get(key);
  if (!cron) {
    cron = new Cron(expr, { timezone: tz, paused: true });
    // Many jobs share a few expressions; keep the parsed ones, within reason.
    if (patterns.size >= 1_000) patterns.delete(patterns.keys().next().value!);
    patterns.set(key, cron);
  }
  return cron;
}

/**
 * The first run strictly after `after`, or undefined when there is none (an `at` that has passed).
 * Cron in a time zone follows cron's habit across daylight-saving changes: a time skipped by the
 * spring change runs right after the gap (02:30 → 03:00), one that happens twice runs once.
 */
export function nextRunAfter(schedule: Schedule, after: number): number | undefined {
  switch (schedule.kind) {
    case "at":
      return schedule.at > after ? schedule.at : undefined;
    case "every": {
      if (after < schedule.anchor) return schedule.anchor;
      const steps = Math.floor((after - schedule.anchor) / schedule.everyMs) + 1;
      return schedule.anchor + steps * schedule.everyMs;
    }
    case "cron":
      return pattern(schedule.expr, schedule.tz).nextRun(new Date(after))?.getTime() ?? undefined;
  }
}

/** "at 2026-12-02 09:00 (Europe/Berlin)", "every 30m", "cron 0 7 * * 1-5 (UTC)". */
export function describeSchedule(schedule: Schedule, tz: string): string {
  switch (schedule.kind) {
    case "at":
      return `at ${formatInZone(schedule.at, tz)}`;
    case "every":
      return `every ${formatDuration(schedule.everyMs)}`;
    case "cron":
      return `cron ${schedule.expr} (${schedule.tz})`;
  }
}

/** "2026-12-02 09:00:00 Europe/Berlin": an instant as the user reads it. */
export function formatInZone(ms: number, tz: string): string {
  const w = wallTime(ms, tz);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}:${two(w.second)} ${tz}`;
}

/** What a person or the model writes: one of `at`, `every` or `cron` (with an optional `tz`). */
export interface ScheduleInput {
  at?: string | undefined;
  every?: string | undefined;
  cron?: string | undefined;
  tz?: string | undefined;
}

export type ScheduleParse = { ok: true; schedule: Schedule } | { ok: false; error: string };

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** An `at` time: "in 20m", an ISO time with an offset, or a local "YYYY-MM-DD HH:MM" read in `tz`. */
function parseAt(text: string, now: number, tz: string): number | string {
  const trimmed = text.trim();
  const relative = /^in\s+(.+)$/i.exec(trimmed);
  if (relative) {
    const ms = parseDuration(relative[1]!);
    return ms === undefined
      ? `"${trimmed}" is not a duration; write it like "in 20m" or "in 1h 30m".`
      : now + ms;
  }
  const local = LOCAL_ISO.exec(trimmed);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number);
    return zonedTimeToEpoch({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: s || 0 }, tz);
  }
  const parsed = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? Date.parse(trimmed) : NaN;
  if (Number.isNaN(parsed)) {
    return `"${trimmed}" is not a time; give "in 20m", "2026-12-24 09:00" (read in ${tz}) or an ISO time with an offset like "2026-12-24T09:00:00+01:00".`;
  }
  return parsed;
}

/**
 * Turns what a person wrote into a Schedule, or explains what is wrong (the message is meant for
 * the model or the person to act on). `tz` is the zone for local times and cron without `tz`.
 */
export function parseSchedule(input: ScheduleInput, now: number, tz: string): ScheduleParse {
  const given = (["at", "every", "cron"] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    return {
      ok: false,
      error:
        given.length === 0
          ? 'Give exactly one of "at" (once: "in 20m" or a time), "every" (an interval like "30m") or "cron" (an expression like "0 7 * * 1-5").'
          : `Give only one of "at", "every" and "cron", not ${given.map((k) => `"${k}"`).join(" and ")}.`,
    };
  }
  const zone = input.tz ?? tz;
  if (!isTimeZone(zone)) {
    return {
      ok: false,
      error: `"${zone}" is not an IANA time zone; use a name like "Europe/Berlin" or "UTC".`,
    };
  }
  if (input.at !== undefined) {
    const at = parseAt(input.at, now, zone);
    if (typeof at === "string") return { ok: false, error: at };
    if (at <= now)
      return { ok: false, error: `${formatInZone(at, zone)} has already passed; give a time in the future.` };
    return { ok: true, schedule: { kind: "at", at } };
  }
  if (input.every !== undefined) {
    const everyMs = parseDuration(input.every);
    if (everyMs === undefined)
      return { ok: false, error: `"${input.every}" is not an interval; write it like "30m", "2h" or "1d".` };
    if (everyMs < MIN_EVERY_MS)
      return { ok: false, error: `An interval must be at least ${MIN_EVERY_MS / 1000}s.` };
    return { ok: true, schedule: { kind: "every", everyMs, anchor: now } };
  }
  const expr = input.cron!.trim().replace(/\s+/g, " ");
  const fields = expr.split(" ").length;
  if (fields !== 5 && fields !== 6) {
    return {
      ok: false,
      error: `"${expr}" has ${fields} fields; a cron expression has 5 (minute hour day month weekday) or 6 (with seconds first).`,
    };
  }
  try {
    const schedule: Schedule = { kind: "cron", expr, tz: zone };
    if (nextRunAfter(schedule, now) === undefined) {
      return { ok: false, error: `"${expr}" never runs again.` };
    }
    return { ok: true, schedule };
  } catch (error) {
    return { ok: false, error: `"${expr}" is not a valid cron expression: ${(error as Error).message}` };
  }
}
