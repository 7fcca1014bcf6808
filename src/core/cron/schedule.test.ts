import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.ts";
import { describeSchedule, nextRunAfter, parseSchedule, type Schedule } from "./schedule.ts";
import { zonedTimeToEpoch } from "./zoned-time.ts";

const NOW = Date.parse("2026-12-02T08:00:00Z");
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("durations", () => {
  it("reads what people write and refuses what is not a duration", () => {
    expect(parseDuration("20m")).toBe(20 * 60_000);
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("1h 30 min")).toBe(90 * 60_000);
    expect(parseDuration("2 days")).toBe(2 * 86_400_000);
    expect(parseDuration("90 seconds")).toBe(90_000);
    expect(parseDuration("1.5h")).toBe(90 * 60_000);
    for (const bad of ["", "20", "m", "20 parsecs", "20m and more", "-5m"])
      expect(parseDuration(bad)).toBeUndefined();
    expect(formatDuration(90 * 60_000)).toBe("1h 30m");
    expect(formatDuration(86_400_000 + 1_000)).toBe("1d 1s");
  });
});

describe("next run", () => {
  it("runs an at job once, at its time", () => {
    const at: Schedule = { kind: "at", at: NOW + 1_000 };
    expect(nextRunAfter(at, NOW)).toBe(NOW + 1_000);
    expect(nextRunAfter(at, NOW + 1_000)).toBeUndefined();
  });

  it("keeps an interval's phase from its anchor", () => {
    const every: Schedule = { kind: "every", everyMs: 30 * 60_000, anchor: NOW };
    expect(iso(nextRunAfter(every, NOW))).toBe("2026-12-02T08:30:00.000Z");
    expect(iso(nextRunAfter(every, NOW + 31 * 60_000))).toBe("2026-12-02T09:00:00.000Z");
    expect(iso(nextRunAfter(every, NOW - 5_000))).toBe("2026-12-02T08:00:00.000Z");
  });

  it("reads a weekday cron in the job's time zone", () => {
    const weekdays: Schedule = { kind: "cron", expr: "0 7 * * 1-5", tz: "America/New_York" };
    // Friday 2 January 2026, 12:00 UTC is after 07:00 in New York: next is Monday 5 January.
    expect(iso(nextRunAfter(weekdays, Date.parse("2026-01-02T12:00:00Z")))).toBe("2026-01-05T12:00:00.000Z");
  });

  it("neither skips nor doubles a daily 02:30 job across daylight-saving changes", () => {
    const daily: Schedule = { kind: "cron", expr: "30 2 * * *", tz: "Europe/Berlin" };
    const runs = (from: string, n: number) => {
      const out: string[] = [];
      let t = Date.parse(from);
      for (let i = 0; i < n; i++) out.push(iso((t = nextRunAfter(daily, t)!))!);
      return out;
    };
    // 29 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist; the job runs at 03:00 that night.
    expect(runs("2026-03-27T12:00:00Z", 4)).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, right after the gap
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
      "2026-03-31T00:30:00.000Z",
    ]);
    // 25 October 2026: 03:00 goes back to 02:00, so 02:30 happens twice; the job runs once, the first time.
    expect(runs("2026-10-23T12:00:00Z", 4)).toEqual([
      "2026-10-24T00:30:00.000Z", // 02:30 CEST
      "2026-10-25T00:30:00.000Z", // the first 02:30 (CEST); not again at 01:30Z
      "2026-10-26T01:30:00.000Z", // 02:30 CET
      "2026-10-27T01:30:00.000Z",
    ]);
  });
});

describe("parsing a schedule", () => {
  const ok = (input: Parameters<typeof parseSchedule>[0], tz = "Europe/Berlin") => {
    const parsed = parseSchedule(input, NOW, tz);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.schedule;
  };
  const error = (input: Parameters<typeof parseSchedule>[0]) => {
    const parsed = parseSchedule(input, NOW, "Europe/Berlin");
    return parsed.ok ? "(accepted)" : parsed.error;
  };

  it("reads relative, local and ISO times for at", () => {
    expect(ok({ at: "in 20m" })).toEqual({ kind: "at", at: NOW + 20 * 60_000 });
    expect(ok({ at: "in 2 seconds" })).toEqual({ kind: "at", at: NOW + 2_000 });
    expect(iso((ok({ at: "2026-12-24 09:00" }) as { at: number }).at)).toBe("2026-12-24T08:00:00.000Z");
    expect(iso((ok({ at: "2027-07-01T09:00" }) as { at: number }).at)).toBe("2027-07-01T07:00:00.000Z");
    expect(iso((ok({ at: "2026-12-24T09:00:00+05:00" }) as { at: number }).at)).toBe(
      "2026-12-24T04:00:00.000Z",
    );
  });

  it("explains mistakes so the model can correct them", () => {
    expect(error({})).toMatch(/exactly one of "at"/);
    expect(error({ at: "in 5m", every: "5m" })).toMatch(/only one of/);
    expect(error({ at: "tomorrow-ish" })).toMatch(/is not a time/);
    expect(error({ at: "in soon" })).toMatch(/not a duration/);
    expect(error({ at: "2020-01-01 09:00" })).toMatch(/already passed/);
    expect(error({ every: "often" })).toMatch(/not an interval/);
    expect(error({ every: "1s" })).toMatch(/at least 10s/);
    expect(error({ cron: "0 7 * *" })).toMatch(/has 4 fields/);
    expect(error({ cron: "61 7 * * *" })).toMatch(/not a valid cron expression/);
    expect(error({ cron: "0 7 * * *", tz: "Mars/Base" })).toMatch(/not an IANA time zone/);
  });

  it("keeps cron's zone, from the input or the user's", () => {
    expect(ok({ cron: "0  7 * * 1-5" })).toEqual({ kind: "cron", expr: "0 7 * * 1-5", tz: "Europe/Berlin" });
    expect(ok({ cron: "*/30 * * * * *", tz: "UTC" })).toEqual({
      kind: "cron",
      expr: "*/30 * * * * *",
      tz: "UTC",
    });
    expect(describeSchedule({ kind: "every", everyMs: 5_400_000, anchor: 0 }, "UTC")).toBe("every 1h 30m");
  });
});

describe("zoned time", () => {
  it("moves a wall time inside the spring gap forward, and takes the first of a repeated one", () => {
    const berlin = (d: number, h: number, m: number, month = 3) =>
      iso(zonedTimeToEpoch({ year: 2026, month, day: d, hour: h, minute: m }, "Europe/Berlin"));
    expect(berlin(29, 2, 30)).toBe("2026-03-29T01:30:00.000Z"); // 03:30 CEST
    expect(berlin(25, 2, 30, 10)).toBe("2026-10-25T00:30:00.000Z"); // the first 02:30
    expect(berlin(1, 12, 0, 12)).toBe("2026-12-01T11:00:00.000Z");
  });
});
