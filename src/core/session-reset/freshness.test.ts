import { describe, expect, it } from "vitest";
import { lastDailyReset, nextDailyReset, nextResetAt, staleReason } from "./freshness.ts";
import type { ResetPolicy } from "./reset-policy.ts";

const BERLIN = "Europe/Berlin";
/** A Berlin wall-clock time in December (UTC+1) as an instant. */
const berlinDec = (day: number, hour: number, minute = 0) => Date.UTC(2026, 11, day, hour - 1, minute);
const DAILY: ResetPolicy = { mode: "daily", atHour: 4 };

describe("daily resets", () => {
  it("finds today's 04:00 after it and yesterday's before it, in the assistant's zone", () => {
    expect(lastDailyReset(berlinDec(7, 4), 4, BERLIN)).toBe(berlinDec(7, 4));
    expect(lastDailyReset(berlinDec(7, 3, 59), 4, BERLIN)).toBe(berlinDec(6, 4));
    expect(nextDailyReset(berlinDec(7, 3, 59), 4, BERLIN)).toBe(berlinDec(7, 4));
    expect(nextDailyReset(berlinDec(7, 4), 4, BERLIN)).toBe(berlinDec(8, 4));
    // Across a month end: 1 January's reset after 31 December evening.
    expect(nextDailyReset(berlinDec(31, 22), 4, BERLIN)).toBe(Date.UTC(2027, 0, 1, 3));
  });

  it("makes a session begun yesterday evening stale from 04:00 today, not before", () => {
    const yesterday = { startedAt: berlinDec(6, 21), lastActiveAt: berlinDec(6, 23) };
    expect(staleReason(yesterday, DAILY, berlinDec(7, 3, 59), BERLIN)).toBeNull();
    expect(staleReason(yesterday, DAILY, berlinDec(7, 4), BERLIN)).toBe("daily");
    // Begun after the boundary: fresh however long it has been used.
    const today = { startedAt: berlinDec(7, 4, 30), lastActiveAt: berlinDec(7, 23) };
    expect(staleReason(today, DAILY, berlinDec(8, 3, 0), BERLIN)).toBeNull();
  });

  it("follows daylight-saving changes: 02:00 on the spring-forward night happens at 03:00 CEST", () => {
    // 28 March 2027, Berlin jumps from 02:00 CET to 03:00 CEST (01:00 UTC).
    const after = Date.UTC(2027, 2, 28, 5);
    expect(lastDailyReset(after, 2, BERLIN)).toBe(Date.UTC(2027, 2, 28, 1));
    // 04:00 CEST is 02:00 UTC.
    expect(lastDailyReset(after, 4, BERLIN)).toBe(Date.UTC(2027, 2, 28, 2));
  });

  it("reads atHour in the zone it is given (Tokyo is UTC+9)", () => {
    expect(lastDailyReset(Date.UTC(2026, 11, 7, 12), 4, "Asia/Tokyo")).toBe(Date.UTC(2026, 11, 6, 19));
  });
});

describe("idle resets", () => {
  const idle: ResetPolicy = { mode: "idle", atHour: 4, idleMinutes: 90 };
  const activity = { startedAt: berlinDec(1, 9), lastActiveAt: berlinDec(7, 10) };

  it("is stale only once more than idleMinutes have passed since a person last wrote", () => {
    expect(staleReason(activity, idle, berlinDec(7, 11, 30), BERLIN)).toBeNull();
    expect(staleReason(activity, idle, berlinDec(7, 11, 30) + 1, BERLIN)).toBe("idle");
    expect(nextResetAt(activity, idle, berlinDec(7, 10, 5), BERLIN)).toBe(berlinDec(7, 11, 30) + 1);
  });

  it("with daily and idleMinutes together, whichever comes first", () => {
    const both: ResetPolicy = { mode: "daily", atHour: 4, idleMinutes: 90 };
    const late = { startedAt: berlinDec(7, 5), lastActiveAt: berlinDec(7, 23) };
    expect(nextResetAt(late, both, berlinDec(7, 23), BERLIN)).toBe(berlinDec(8, 0, 30) + 1);
    const early = { startedAt: berlinDec(7, 5), lastActiveAt: berlinDec(8, 3) };
    expect(nextResetAt(early, both, berlinDec(8, 3), BERLIN)).toBe(berlinDec(8, 4));
    expect(staleReason(early, both, berlinDec(8, 4), BERLIN)).toBe("daily");
  });

  it("is due now when already stale, and never with mode off", () => {
    expect(nextResetAt(activity, idle, berlinDec(8, 10), BERLIN)).toBe(berlinDec(8, 10));
    const off: ResetPolicy = { mode: "off", atHour: 4 };
    expect(nextResetAt(activity, off, berlinDec(9, 10), BERLIN)).toBeNull();
    expect(staleReason(activity, off, berlinDec(9, 10), BERLIN)).toBeNull();
  });
});
