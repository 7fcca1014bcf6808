// Whether a session is due for a fresh start, and when it will be: the time math of the reset rules,
// in the assistant's time zone (a 04:00 reset follows daylight-saving changes). Pure: `now` is passed in.
import { atHourOn, dayWindow } from "../usage/day-window.ts";
import type { ResetPolicy } from "./reset-policy.ts";

/** What a session's freshness is judged by. */
export interface SessionActivity {
  /** When the current transcript began (a daily reset counts from here, as OpenClaw's does). */
  startedAt: number;
  /** A person's last message (heartbeats and reminders do not keep a session alive). */
  lastActiveAt: number;
}

export type StaleReason = "daily" | "idle";

/** The latest daily reset at or before `now`: today's atHour:00, or yesterday's before it. */
export function lastDailyReset(now: number, atHour: number, tz: string): number {
  return dayWindow(now, tz, atHour).start;
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
