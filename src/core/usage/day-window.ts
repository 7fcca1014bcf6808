// The local day in the assistant's time zone: from midnight to the next for a usage limit, from the
// reset hour to the next for a daily session reset (a DST day is 23 or 25 hours long).
import { wallTime, zonedTimeToEpoch } from "../cron/zoned-time.ts";

/** The wall-clock date `days` after the date of `ms` in `tz`, at `hour`:00, as an instant. */
export function atHourOn(ms: number, days: number, hour: number, tz: string): number {
  const w = wallTime(ms, tz);
  // Date.UTC rolls the day over month and year ends; only the calendar date is taken from it.
  const date = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return zonedTimeToEpoch(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute: 0 },
    tz,
  );
}

/**
 * The day the last lookup fell in, per zone and start hour: asking Intl costs ~100 µs, and every turn
 * (a reset check) and every model call (a daily limit check) asks.
 */
const lastDays = new Map<string, { start: number; end: number }>();

/**
 * [start, end) of the day holding instant `ms` in `timeZone`, days starting at `startHour`:00 (local
 * midnight unless given): from the latest such hour at or before `ms` to the next.
 */
export function dayWindow(ms: number, timeZone: string, startHour = 0): { start: number; end: number } {
  const key = `${timeZone} ${startHour}`;
  const known = lastDays.get(key);
  if (known && known.start <= ms && ms < known.end) return { ...known };
  const today = atHourOn(ms, 0, startHour, timeZone);
  const start = today <= ms ? today : atHourOn(ms, -1, startHour, timeZone);
  const day = { start, end: atHourOn(start, 1, startHour, timeZone) };
  lastDays.set(key, day);
  return { ...day };
}

/** "2026-12-07": the local date of `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  const { year, month, day } = wallTime(ms, timeZone);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
