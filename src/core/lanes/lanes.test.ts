import { describe, expect, it } from "vitest";
import { createLanes } from "./lanes.ts";

/** A turn the test finishes by hand. */
function controllableRun() {
  const calls: Array<{
    key: string;
    items: string[];
    finish: (v?: string) => void;
    fail: (e: Error) => void;
  }> = [];
  const run = (key: string, items: string[]) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ key, items, finish: (v) => resolve(v ?? `${key}:${items.join("+")}`), fail: reject });
    });
  return { calls, run };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe("lanes", () => {
  it("runs one turn per session at a time and collects messages that arrive meanwhile", async () => {
    const { calls, run } = controllableRun();
    const lanes = createLanes({ maxConcurrent: 4, run });
    const first = lanes.submit<string>("s1", "a");
    await tick();
    const second = lanes.submit<string>("s1", "b");
    const third = lanes.submit<string>("s1", "c");
    await tick();
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
    calls[0]!.finish();
    expect(await first).toBe("s1:a");
    await tick();
    expect(calls.map((c) => c.items)).toEqual([["a"], ["b", "c"]]);
    calls[1]!.finish();
    expect(await second).toBe("s1:b+c");
    expect(await third).toBe("s1:b+c");
    await lanes.idle();
    expect(lanes.running).toBe(0);
  });

  it("runs different sessions in parallel up to the cap, then in arrival order", async () => {
    const { calls, run } = controllableRun();
    const lanes = createLanes({ maxConcurrent: 2, run });
    const results = ["s1", "s2", "s3", "s4"].map((key) => lanes.submit<string>(key, "x"));
    await tick();
    expect(calls.map((c) => c.key)).toEqual(["s1", "s2"]);
    expect(lanes.running).toBe(2);
    expect(lanes.waiting).toBe(2);
    calls[1]!.finish();
    await tick();
    expect(calls.map((c) => c.key)).toEqual(["s1", "s2", "s3"]);
    calls[0]!.finish();
    calls[2]!.finish();
    await tick();
    calls[3]!.finish();
    expect(await Promise.all(results)).toEqual(["s1:x", "s2:x", "s3:x", "s4:x"]);
  });

  it("does not let a busy session starve others waiting for a slot", async () => {
    const { calls, run } = controllableRun();
    const lanes = createLanes({ maxConcurrent: 1, run });
    void lanes.submit("chatty", "1");
    await tick();
    void lanes.submit("chatty", "2");
    void lanes.submit("quiet", "q");
    await tick();
    calls[0]!.finish();
    await tick();
    expect(calls[1]?.key).toBe("quiet");
  });

  it("rejects every message of a failed turn and keeps the lane usable", async () => {
    const { calls, run } = controllableRun();
    const lanes = createLanes({ maxConcurrent: 1, run });
    const failing = lanes.submit("s1", "boom");
    await tick();
    calls[0]!.fail(new Error("model down"));
    await expect(failing).rejects.toThrow("model down");
    const next = lanes.submit<string>("s1", "again");
    await tick();
    calls[1]!.finish();
    expect(await next).toBe("s1:again");
  });

  it("turns a synchronous throw in run into a rejection", async () => {
    const lanes = createLanes<string, string>({
      maxConcurrent: 1,
      run: () => {
        throw new Error("sync");
      },
    });
    await expect(lanes.submit("s", "x")).rejects.toThrow("sync");
    await lanes.idle();
  });
});
