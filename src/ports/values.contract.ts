// The suite every Values adapter must pass; expiry is driven through the harness's fake clock.
import { describe, expect, it } from "vitest";
import type { FakeClock } from "../util/fake-clock.ts";
import { useHarness } from "./contract-harness.ts";
import type { Values } from "./values.ts";

export interface ValuesHarness {
  values: Values;
  /** A second handle on the same storage, as another process would open it. */
  other: Values;
  /** The clock both judge expiry by. */
  clock: FakeClock;
  cleanup(): Promise<void>;
}

export function valuesContract(name: string, make: () => Promise<ValuesHarness>): void {
  describe(`Values contract: ${name}`, () => {
    const open = useHarness(make);

    it("gives back what was put, as JSON, and undefined for a key never put", async () => {
      const { values } = await open();
      const route = { channel: "telegram", account: "default", chatId: "42", thread: null, n: 1.5 };
      await values.put("last-route", route);
      expect(await values.get("last-route")).toEqual(route);
      expect(await values.get("nothing-here")).toBeUndefined();
      await values.put("list", [1, "two", { three: true }]);
      expect(await values.get("list")).toEqual([1, "two", { three: true }]);
    });

    it("replaces a value, and another process reads the newest one", async () => {
      const { values, other } = await open();
      await values.put("last-route", { chatId: "1" });
      expect(await other.get("last-route")).toEqual({ chatId: "1" });
      await other.put("last-route", { chatId: "2" });
      expect(await values.get("last-route")).toEqual({ chatId: "2" });
    });

    it("keeps keys apart, also ones that look like prefixes or hold separators", async () => {
      const { values } = await open();
      await values.put("a", 1);
      await values.put("a#b", 2);
      await values.put("a:b", 3);
      expect([await values.get("a"), await values.get("a#b"), await values.get("a:b")]).toEqual([1, 2, 3]);
    });

    it("forgets a value when its ttl is up, and a put without ttl keeps it for good", async () => {
      const { values, clock } = await open();
      await values.put("hook-accepted:x", { at: 1 }, { ttlMs: 60_000 });
      await clock.advance(59_999);
      expect(await values.get("hook-accepted:x")).toEqual({ at: 1 });
      await clock.advance(1);
      expect(await values.get("hook-accepted:x")).toBeUndefined();
      // Put again without a ttl: the old expiry does not linger.
      await values.put("hook-accepted:x", { at: 2 }, { ttlMs: 1_000 });
      await values.put("hook-accepted:x", { at: 3 });
      await clock.advance(365 * 24 * 60 * 60_000);
      expect(await values.get("hook-accepted:x")).toEqual({ at: 3 });
    });

    it("putIfAbsent stores only where no live value is, and keeps the holder's value", async () => {
      const { values, other } = await open();
      expect(await values.putIfAbsent("session", { id: "a" })).toBe(true);
      expect(await other.putIfAbsent("session", { id: "b" })).toBe(false);
      expect(await other.get("session")).toEqual({ id: "a" });
      // A value put for good is never absent.
      expect(await values.putIfAbsent("session", { id: "c" }, { ttlMs: 1_000 })).toBe(false);
      await values.remove("session");
      expect(await other.putIfAbsent("session", { id: "d" })).toBe(true);
      expect(await values.get("session")).toEqual({ id: "d" });
    });

    it("putIfAbsent takes a key whose value's ttl is up, with the new ttl", async () => {
      const { values, other, clock } = await open();
      expect(await values.putIfAbsent("k", 1, { ttlMs: 60_000 })).toBe(true);
      await clock.advance(59_999);
      expect(await other.putIfAbsent("k", 2, { ttlMs: 60_000 })).toBe(false);
      await clock.advance(1);
      expect(await other.putIfAbsent("k", 2, { ttlMs: 10_000 })).toBe(true);
      expect(await values.get("k")).toBe(2);
      await clock.advance(10_000);
      expect(await values.get("k")).toBeUndefined();
      // Without a ttl the new value stays for good.
      expect(await values.putIfAbsent("k", 3)).toBe(true);
      await clock.advance(365 * 24 * 60 * 60_000);
      expect(await values.get("k")).toBe(3);
    });

    it("putIfAbsent lets exactly one of many racing callers win", async () => {
      const { values, other } = await open();
      const tries = Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? other : values).putIfAbsent("race", { by: i }, { ttlMs: 60_000 }),
      );
      const won = await Promise.all(tries);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await values.get("race")).toEqual({ by: won.indexOf(true) });
    });

    it("removes a value; removing a missing key is not an error", async () => {
      const { values, other } = await open();
      await values.put("k", "v");
      await other.remove("k");
      expect(await values.get("k")).toBeUndefined();
      await expect(values.remove("never-put")).resolves.toBeUndefined();
    });
  });
}
