import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createIntakeGate } from "./intake-gate.ts";

/** A promise's state without waiting for it. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe("intake gate", () => {
  it("lets a turn start at once when no intake ran lately", async () => {
    const clock = createFakeClock();
    const gate = createIntakeGate({ clock });
    expect(await settledYet(gate.quiet())).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it("holds turns while intake runs, and for quietMs after it ends", async () => {
    const clock = createFakeClock();
    const gate = createIntakeGate({ clock, quietMs: 5, maxWaitMs: 100 });
    let finish!: () => void;
    const ack = gate.track(() => new Promise<void>((resolve) => (finish = resolve)));
    const turn = gate.quiet();
    await clock.advance(20);
    expect(await settledYet(turn)).toBe(false);
    finish();
    await ack;
    await clock.advance(4);
    expect(await settledYet(turn)).toBe(false);
    await clock.advance(1);
    expect(await settledYet(turn)).toBe(true);
  });

  it("never holds a turn longer than maxWaitMs, however busy the intake", async () => {
    const clock = createFakeClock();
    const gate = createIntakeGate({ clock, quietMs: 5, maxWaitMs: 30 });
    void gate.track(() => new Promise<void>(() => {}));
    const turn = gate.quiet();
    await clock.advance(29);
    expect(await settledYet(turn)).toBe(false);
    await clock.advance(1);
    expect(await settledYet(turn)).toBe(true);
  });

  it("passes on what the intake work returns or throws", async () => {
    const gate = createIntakeGate({ clock: createFakeClock() });
    expect(await gate.track(async () => 200)).toBe(200);
    await expect(gate.track(() => Promise.reject(new Error("queue full")))).rejects.toThrow("queue full");
  });
});
