// The day a usage limit counts: from local midnight to the next, in the assistant's time zone (a DST
// day is 23 or 25 hours long).
import { wallTime, zonedTimeToEpoch } from "../cron/zoned-time.ts";

/** [start, end) of the local day holding instant `ms` in `timeZone`. */
export function dayWindow(ms: number, timeZone: string): { start: number; end: number } {
  const { year, month, day } = wallTime(ms, timeZone);
  const start = zonedTimeToEpoch({ year, month, day, hour: 0, minute: 0 }, timeZone);
  // Date.UTC rolls day 32 over into the next month, so day + 1 is always the next calendar day.
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const end = zonedTimeToEpoch(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 0,
      minute: 0,
    },
    timeZone,
  );
  return { start, end };
}

/** "2026-12-07": the local date of `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  const { year, month, day } = wallTime(ms, timeZone);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
