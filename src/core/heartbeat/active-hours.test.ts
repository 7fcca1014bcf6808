import { describe, expect, it } from "vitest";
import { isActive, nextActive } from "./active-hours.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("active hours", () => {
  const day = { start: "08:00", end: "22:00" };

  it("are read in the user's time zone, start included and end excluded", () => {
    // 07:30 UTC is 08:30 in Berlin (winter), 02:30 in New York.
    expect(isActive(at("2026-12-02T07:30:00Z"), day, "Europe/Berlin")).toBe(true);
    expect(isActive(at("2026-12-02T07:30:00Z"), day, "America/New_York")).toBe(false);
    expect(isActive(at("2026-12-02T07:00:00Z"), day, "Europe/Berlin")).toBe(true);
    expect(isActive(at("2026-12-02T21:00:00Z"), day, "Europe/Berlin")).toBe(false);
    expect(isActive(at("2026-12-02T03:00:00Z"), undefined, "Europe/Berlin")).toBe(true);
  });

  it("may run past midnight", () => {
    const night = { start: "22:00", end: "06:00" };
    expect(isActive(at("2026-12-02T23:30:00Z"), night, "UTC")).toBe(true);
    expect(isActive(at("2026-12-02T05:59:00Z"), night, "UTC")).toBe(true);
    expect(isActive(at("2026-12-02T12:00:00Z"), night, "UTC")).toBe(false);
  });

  it("give the next start: later today, tomorrow, and right across a daylight-saving change", () => {
    expect(iso(nextActive(at("2026-12-02T05:00:00Z"), day, "Europe/Berlin"))).toBe(
      "2026-12-02T07:00:00.000Z",
    );
    expect(iso(nextActive(at("2026-12-02T22:00:00Z"), day, "Europe/Berlin"))).toBe(
      "2026-12-03T07:00:00.000Z",
    );
    // 28 March 2026 23:00 CET; the clocks go forward that night, so 08:00 is 06:00 UTC.
    expect(iso(nextActive(at("2026-03-28T22:00:00Z"), day, "Europe/Berlin"))).toBe(
      "2026-03-29T06:00:00.000Z",
    );
    const inside = at("2026-12-02T10:00:00Z");
    expect(nextActive(inside, day, "Europe/Berlin")).toBe(inside);
  });
});
