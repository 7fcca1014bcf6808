// The fake clock passes the Clock contract, and moves only when advanced.
import { describe, expect, it } from "vitest";
import { clockContract } from "../ports/clock.contract.ts";
import { createFakeClock } from "./fake-clock.ts";

clockContract("fake", () => {
  const clock = createFakeClock();
  return { clock, pass: (ms) => clock.advance(ms) };
});

describe("fake clock", () => {
  it("wakes sleepers in time order, each at its own time, and only when advanced", async () => {
    const clock = createFakeClock(1_000);
    const woke: Array<[string, number]> = [];
    const late = clock.sleep(300).then(() => woke.push(["late", clock.now()]));
    const early = clock.sleep(100).then(() => woke.push(["early", clock.now()]));
    await Promise.resolve();
    expect(woke).toEqual([]);
    expect(clock.pending).toBe(2);
    await clock.advance(200);
    expect(woke).toEqual([["early", 1_100]]);
    await clock.advance(200);
    await Promise.all([late, early]);
    expect(woke).toEqual([
      ["early", 1_100],
      ["late", 1_300],
    ]);
    expect(clock.now()).toBe(1_400);
    expect(clock.pending).toBe(0);
  });

  it("drops an aborted sleeper from the pending count", async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    expect(clock.pending).toBe(1);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    expect(clock.pending).toBe(0);
  });
});
