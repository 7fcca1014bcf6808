// /ping's status: Healthy, HealthyBusy for the one turn a process runs, and the second it last changed.
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../util/fake-clock.ts";
import { createPingState } from "./ping-state.ts";

describe("createPingState", () => {
  it("moves time_of_last_update only when the status changes, and takes one turn at a time", async () => {
    const clock = createFakeClock(Date.UTC(2026, 11, 7, 9, 0, 0));
    const ping = createPingState(clock.now);
    const start = Date.UTC(2026, 11, 7, 9, 0, 0) / 1000;
    expect(ping.snapshot()).toEqual({ status: "Healthy", time_of_last_update: start });

    await clock.advance(5_000);
    expect(ping.snapshot().time_of_last_update).toBe(start);
    expect(ping.begin()).toBe(true);
    expect(ping.snapshot()).toEqual({ status: "HealthyBusy", time_of_last_update: start + 5 });

    await clock.advance(3_000);
    expect(ping.begin()).toBe(false);
    expect(ping.snapshot().time_of_last_update).toBe(start + 5);

    ping.end();
    expect(ping.snapshot()).toEqual({ status: "Healthy", time_of_last_update: start + 8 });
    await clock.advance(1_000);
    ping.end();
    expect(ping.snapshot().time_of_last_update).toBe(start + 8);
  });
});
