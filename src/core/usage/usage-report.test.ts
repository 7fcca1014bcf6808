// The usage report: days in the assistant's time zone with no gaps (also across a DST change),
// sessions and models most expensive first, and a total equal to the sum of the rows.
import { describe, expect, it } from "vitest";
import { usageRecord } from "../../ports/usage.contract.ts";
import { formatUsd, reportRange, usageReport } from "./usage-report.ts";

describe("usage report", () => {
  it("lists every day of the range in the time zone, empty days as zero, today last", () => {
    const now = Date.UTC(2026, 11, 7, 12, 0);
    const range = reportRange(3, now, "America/New_York");
    expect(new Date(range.from).toISOString()).toBe("2026-12-05T05:00:00.000Z");
    const records = [
      // 03:00 UTC on the 7th is still the 6th in New York.
      usageRecord({ at: Date.UTC(2026, 11, 7, 3, 0), costUsd: 0.5 }),
      usageRecord({ at: Date.UTC(2026, 11, 7, 11, 0), costUsd: 0.25, model: "openai/gpt-5-mini" }),
      usageRecord({
        at: Date.UTC(2026, 11, 7, 11, 30),
        costUsd: undefined,
        model: "ollama/llama3.2",
        sessionKey: "agent:main:telegram:dm:7",
      }),
    ];
    const report = usageReport(records, range, "America/New_York");
    expect(report.days.map((d) => [d.key, d.totals.calls, d.totals.costUsd])).toEqual([
      ["2026-12-05", 0, 0],
      ["2026-12-06", 1, 0.5],
      ["2026-12-07", 2, 0.25],
    ]);
    expect(report.models.map((m) => m.key)).toEqual([
      "anthropic/claude-sonnet-4-5",
      "openai/gpt-5-mini",
      "ollama/llama3.2",
    ]);
    expect(report.sessions.map((s) => [s.key, s.totals.calls])).toEqual([
      ["agent:main:main", 2],
      ["agent:main:telegram:dm:7", 1],
    ]);
    expect(report.total).toMatchObject({ calls: 3, costUsd: 0.75, unpriced: 1 });
  });

  it("counts a DST day once: 7 days back over the end of summer time are 7 dates", () => {
    const now = Date.UTC(2026, 10, 3, 12, 0);
    const range = reportRange(7, now, "America/New_York");
    const days = usageReport([], range, "America/New_York").days.map((d) => d.key);
    expect(days).toEqual([
      "2026-10-28",
      "2026-10-29",
      "2026-10-30",
      "2026-10-31",
      "2026-11-01",
      "2026-11-02",
      "2026-11-03",
    ]);
  });

  it("formats dollars with cents, and small amounts with four decimals", () => {
    expect([formatUsd(0), formatUsd(0.00186), formatUsd(4.5)]).toEqual(["$0.00", "$0.0019", "$4.50"]);
  });
});
