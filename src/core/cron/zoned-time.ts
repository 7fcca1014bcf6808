// Wall-clock times in an IANA time zone, without a date library: Intl tells the zone's offset.

/** True when `tz` names a time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** The wall-clock time at instant `ms` in `tz`. */
export function wallTime(ms: number, tz: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (east positive). */
function offsetAt(ms: number, tz: string): number {
  const w = wallTime(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant the wall-clock time (year … second) happens in `tz`. A time skipped by a daylight-
 * saving change is moved forward by the gap (02:30 on a spring-forward night is 03:30); a time that
 * happens twice is its first occurrence.
 */
export function zonedTimeToEpoch(
  t: { year: number; month: number; day: number; hour: number; minute: number; second?: number },
  tz: string,
): number {
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second ?? 0);
  // Try the offsets in force a day either side; the earliest instant that shows this wall time wins.
  const candidates = [offsetAt(asUtc - 86_400_000, tz), offsetAt(asUtc + 86_400_000, tz)]
    .map((offset) => asUtc - offset)
    .filter((instant) => offsetAt(instant, tz) === asUtc - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  // In a gap: the wall time does not exist; keep the earlier offset, which lands after the gap.
  return asUtc - offsetAt(asUtc - 86_400_000, tz);
}
