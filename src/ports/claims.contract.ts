// The suite every Claims adapter must pass; time is driven through the harness's fake clock.
import { describe, expect, it } from "vitest";
import { useHarness } from "./contract-harness.ts";
import type { FakeClock } from "../util/fake-clock.ts";
import type { Claims } from "./claims.ts";

export interface ClaimsHarness {
  claims: Claims;
  /** The clock the adapter judges expiry by. */
  clock: FakeClock;
  cleanup(): Promise<void>;
}

export function claimsContract(name: string, make: () => Promise<ClaimsHarness>): void {
  describe(`Claims contract: ${name}`, () => {
    const open = useHarness(make);

    it("grants a claim once, and again only after it expires", async () => {
      const { claims, clock } = await open();
      expect(await claims.claimOnce("telegram:bot1:update:7", 60_000)).toBe(true);
      expect(await claims.claimOnce("telegram:bot1:update:7", 60_000)).toBe(false);
      expect(await claims.claimOnce("telegram:bot1:update:8", 60_000)).toBe(true);
      await clock.advance(60_001);
      expect(await claims.claimOnce("telegram:bot1:update:7", 60_000)).toBe(true);
    });

    it("grants exactly one of many racing claims", async () => {
      const { claims } = await open();
      const results = await Promise.all(Array.from({ length: 20 }, () => claims.claimOnce("race", 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("holds a lease for one owner until it expires, then lets another take it", async () => {
      const { claims, clock } = await open();
      const lease = await claims.acquireLease("session:a", "worker-1", 30_000);
      expect(lease).toMatchObject({ key: "session:a", owner: "worker-1", until: clock.now() + 30_000 });
      expect(await claims.acquireLease("session:a", "worker-2", 30_000)).toBeNull();
      await clock.advance(30_001);
      const taken = await claims.acquireLease("session:a", "worker-2", 30_000);
      expect(taken?.owner).toBe("worker-2");
      // The first owner has lost it: renewing fails, releasing does not free the new owner's lease.
      expect(await claims.renewLease(lease!, 30_000)).toBeNull();
      await claims.releaseLease(lease!);
      expect(await claims.acquireLease("session:a", "worker-3", 30_000)).toBeNull();
    });

    it("renews a held lease and frees it on release", async () => {
      const { claims, clock } = await open();
      const lease = await claims.acquireLease("session:b", "w", 10_000);
      await clock.advance(9_000);
      const renewed = await claims.renewLease(lease!, 10_000);
      expect(renewed?.until).toBe(clock.now() + 10_000);
      await clock.advance(9_000);
      expect(await claims.acquireLease("session:b", "other", 10_000)).toBeNull();
      await claims.releaseLease(renewed!);
      expect((await claims.acquireLease("session:b", "other", 10_000))?.owner).toBe("other");
    });

    it("lets exactly one of many racing owners take a lease", async () => {
      const { claims } = await open();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claims.acquireLease("hot", `w${i}`, 10_000)),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });
  });
}
