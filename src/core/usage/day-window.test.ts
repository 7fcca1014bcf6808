// The day a daily limit counts is the local one: 23 or 25 hours across a daylight-saving change, starting
// after the gap where midnight itself is skipped, and the next day once the clock passes midnight (the
// last day found is kept, so asking again must not return it after it ended).
import { describe, expect, it } from "vitest";
import { dayWindow } from "./day-window.ts";

const window = (iso: string, tz: string) => {
  const { start, end } = dayWindow(Date.parse(iso), tz);
  return [new Date(start).toISOString(), new Date(end).toISOString()];
};

describe("dayWindow", () => {
  it("is 23 hours on a spring-forward day and 25 on a fall-back day", () => {
    expect(window("2026-03-29T12:00:00Z", "Europe/Berlin")).toEqual([
      "2026-03-28T23:00:00.000Z",
      "2026-03-29T22:00:00.000Z",
    ]);
    expect(window("2026-10-25T12:00:00Z", "Europe/Berlin")).toEqual([
      "2026-10-24T22:00:00.000Z",
      "2026-10-25T23:00:00.000Z",
    ]);
  });

  it("starts where the day does when midnight is skipped (Santiago springs forward at 00:00)", () => {
    expect(window("2026-09-06T12:00:00Z", "America/Santiago")).toEqual([
      "2026-09-06T04:00:00.000Z",
      "2026-09-07T03:00:00.000Z",
    ]);
  });

  it("moves to the next day at local midnight, and back for an earlier instant", () => {
    expect(window("2026-12-07T22:59:59.999Z", "Europe/Berlin")[0]).toBe("2026-12-06T23:00:00.000Z");
    expect(window("2026-12-07T23:00:00.000Z", "Europe/Berlin")[0]).toBe("2026-12-07T23:00:00.000Z");
    expect(window("2026-12-07T22:59:59.999Z", "Europe/Berlin")[0]).toBe("2026-12-06T23:00:00.000Z");
    expect(window("2026-12-07T23:00:00.000Z", "UTC")[0]).toBe("2026-12-07T00:00:00.000Z");
  });
});
