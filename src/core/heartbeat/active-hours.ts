// Active hours: the part of the day (in the user's time zone) when periodic heartbeats may run.
import { wallTime, zonedTimeToEpoch } from "../cron/zoned-time.ts";

export interface ActiveHours {
  /** "08:00" */
  start: string;
  /** "22:00"; earlier than start means the hours run past midnight. */
  end: string;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
};

/** True when `at` falls inside the active hours in `tz` (start inclusive, end exclusive). */
export function isActive(at: number, hours: ActiveHours | undefined, tz: string): boolean {
  if (!hours) return true;
  const w = wallTime(at, tz);
  const now = w.hour * 60 + w.minute;
  const start = minutes(hours.start);
  const end = minutes(hours.end);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** `at` when it is inside the active hours, else the next time they start. */
export function nextActive(at: number, hours: ActiveHours | undefined, tz: string): number {
  if (isActive(at, hours, tz)) return at;
  const [h, m] = hours!.start.split(":").map(Number);
  const w = wallTime(at, tz);
  for (let day = 0; day <= 2; day++) {
    const date = new Date(Date.UTC(w.year, w.month - 1, w.day + day));
    const candidate = zonedTimeToEpoch(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: h!,
        minute: m!,
      },
      tz,
    );
    if (candidate > at) return candidate;
  }
  return at + 86_400_000;
}
