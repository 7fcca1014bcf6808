// Whether a session is due for a fresh start, and when it will be: the time math of the reset rules,
// in the assistant's time zone (a 04:00 reset follows daylight-saving changes). Pure: `now` is passed in.
import { wallTime, zonedTimeToEpoch } from "../cron/zoned-time.ts";
import type { ResetPolicy } from "./reset-policy.ts";

/** What a session's freshness is judged by. */
export interface SessionActivity {
  /** When the current transcript began (a daily reset counts from here, as OpenClaw's does). */
  startedAt: number;
  /** A person's last message (heartbeats and reminders do not keep a session alive). */
  lastActiveAt: number;
}

export type StaleReason = "daily" | "idle";

/** The wall-clock date `days` after the date of `ms` in `tz`, at `hour`:00, as an instant. */
function atHourOn(ms: number, days: number, hour: number, tz: string): number {
  const w = wallTime(ms, tz);
  // Date.UTC rolls the day over month and year ends; only the calendar date is taken from it.
  const date = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return zonedTimeToEpoch(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute: 0 },
    tz,
  );
}

/** The day the last lookup fell in, per zone and hour: asking Intl costs ~100 µs, and every turn asks. */
const lastDays = new Map<string, { from: number; until: number }>();

/** The latest daily reset at or before `now`: today's atHour:00, or yesterday's before it. */
export function lastDailyReset(now: number, atHour: number, tz: string): number {
  const key = `${tz} ${atHour}`;
  const known = lastDays.get(key);
  if (known && known.from <= now && now < known.until) return known.from;
  const today = atHourOn(now, 0, atHour, tz);
  const from = today <= now ? today : atHourOn(now, -1, atHour, tz);
  lastDays.set(key, { from, until: atHourOn(from, 1, atHour, tz) });
  return from;
}

/** The first daily reset after `now`. */
export function nextDailyReset(now: number, atHour: number, tz: string): number {
  const today = atHourOn(now, 0, atHour, tz);
  return today > now ? today : atHourOn(now, 1, atHour, tz);
}

/** Why the session must start over before the next turn, or null while it is fresh. */
export function staleReason(
  activity: SessionActivity,
  policy: ResetPolicy,
  now: number,
  tz: string,
): StaleReason | null {
  if (policy.mode === "off") return null;
  if (policy.mode === "daily" && activity.startedAt < lastDailyReset(now, policy.atHour, tz)) return "daily";
  if (policy.idleMinutes !== undefined && now - activity.lastActiveAt > policy.idleMinutes * 60_000) {
    return "idle";
  }
  return null;
}

/**
 * When the session will be due for a fresh start if nobody writes before then (the next message after
 * it starts the new conversation); `now` when it is due already; null when only /new resets it.
 */
export function nextResetAt(
  activity: SessionActivity,
  policy: ResetPolicy,
  now: number,
  tz: string,
): number | null {
  if (policy.mode === "off") return null;
  if (staleReason(activity, policy, now, tz)) return now;
  const candidates: number[] = [];
  if (policy.mode === "daily") candidates.push(nextDailyReset(now, policy.atHour, tz));
  // Stale once strictly more than idleMinutes have passed: the first such millisecond.
  if (policy.idleMinutes !== undefined)
    candidates.push(activity.lastActiveAt + policy.idleMinutes * 60_000 + 1);
  return Math.min(...candidates);
}
