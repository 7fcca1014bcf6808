// The suite every Pairings adapter must pass; expiry is driven through the harness's fake clock.
import { describe, expect, it } from "vitest";
import type { FakeClock } from "../util/fake-clock.ts";
import { useHarness } from "./contract-harness.ts";
import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH, PAIRING_TTL_MS, type Pairings } from "./pairings.ts";

export interface PairingsHarness {
  pairings: Pairings;
  /** The clock the adapter judges expiry by. */
  clock: FakeClock;
  cleanup(): Promise<void>;
}

const CODE = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

export function pairingsContract(name: string, make: () => Promise<PairingsHarness>): void {
  describe(`Pairings contract: ${name}`, () => {
    const open = useHarness(make);

    it("gives an unknown sender a code valid for an hour, and the same code while it is pending", async () => {
      const { pairings, clock } = await open();
      const start = clock.now();
      const first = await pairings.request("telegram", "111", "Ada");
      expect(first).toEqual({ code: expect.stringMatching(CODE), created: true });
      await clock.advance(PAIRING_TTL_MS - 1);
      expect(await pairings.request("telegram", "111", "Ada L.")).toEqual({
        code: first!.code,
        created: false,
      });
      expect(await pairings.list()).toEqual([
        {
          channel: "telegram",
          code: first!.code,
          senderId: "111",
          senderName: "Ada",
          createdAt: start,
          expiresAt: start + PAIRING_TTL_MS,
        },
      ]);
    });

    it("forgets a request when its hour is up; asking again then gives a new code", async () => {
      const { pairings, clock } = await open();
      const first = await pairings.request("telegram", "111");
      await clock.advance(PAIRING_TTL_MS);
      expect(await pairings.list()).toEqual([]);
      expect(await pairings.approve("telegram", first!.code)).toBeNull();
      expect(await pairings.deny("telegram", first!.code)).toBeNull();
      const second = await pairings.request("telegram", "111");
      expect(second?.created).toBe(true);
      expect(second?.code).not.toBe(first!.code);
      expect((await pairings.list()).map((r) => r.code)).toEqual([second!.code]);
    });

    it("keeps at most 3 pending requests per channel; expired ones do not count", async () => {
      const { pairings, clock } = await open();
      for (const sender of ["1", "2", "3"])
        expect((await pairings.request("telegram", sender))?.created).toBe(true);
      expect(await pairings.request("telegram", "4")).toBeNull();
      // A pending sender still gets its code back, and other channels have their own cap.
      expect((await pairings.request("telegram", "2"))?.created).toBe(false);
      expect((await pairings.request("slack", "4"))?.created).toBe(true);
      await clock.advance(PAIRING_TTL_MS);
      for (const sender of ["4", "5", "6"])
        expect((await pairings.request("telegram", sender))?.created).toBe(true);
      expect(await pairings.request("telegram", "7")).toBeNull();
      // Made in the same millisecond: their order is not part of the contract.
      expect((await pairings.list("telegram")).map((r) => r.senderId).sort()).toEqual(["4", "5", "6"]);
    });

    it("frees a place when a request is approved or denied", async () => {
      const { pairings } = await open();
      const codes = [];
      for (const sender of ["1", "2", "3"]) codes.push((await pairings.request("telegram", sender))!.code);
      await pairings.approve("telegram", codes[0]!);
      expect((await pairings.request("telegram", "4"))?.created).toBe(true);
      await pairings.deny("telegram", codes[1]!);
      expect((await pairings.request("telegram", "5"))?.created).toBe(true);
      expect(await pairings.request("telegram", "6")).toBeNull();
    });

    it("approves a code typed in lower case: the sender is allowed and the request is gone", async () => {
      const { pairings, clock } = await open();
      const { code } = (await pairings.request("telegram", "111", "Ada"))!;
      const requestedAt = clock.now();
      await clock.advance(5_000);
      expect(await pairings.isAllowed("telegram", "111")).toBe(false);
      expect(await pairings.approve("slack", code)).toBeNull();
      const approved = await pairings.approve("telegram", code.toLowerCase());
      expect(approved).toEqual({
        channel: "telegram",
        code,
        senderId: "111",
        senderName: "Ada",
        createdAt: requestedAt,
        expiresAt: requestedAt + PAIRING_TTL_MS,
      });
      expect(await pairings.isAllowed("telegram", "111")).toBe(true);
      expect(await pairings.isAllowed("slack", "111")).toBe(false);
      expect(await pairings.list()).toEqual([]);
      expect(await pairings.approve("telegram", code)).toBeNull();
      expect(await pairings.allowed()).toEqual([
        { channel: "telegram", senderId: "111", senderName: "Ada", approvedAt: clock.now() },
      ]);
    });

    it("denies a request: it is gone, the sender is not allowed and may ask again", async () => {
      const { pairings } = await open();
      const { code } = (await pairings.request("telegram", "111"))!;
      expect(await pairings.deny("telegram", ` ${code.slice(0, 4)}-${code.slice(4)} `)).toMatchObject({
        code,
        senderId: "111",
      });
      expect(await pairings.deny("telegram", code)).toBeNull();
      expect(await pairings.isAllowed("telegram", "111")).toBe(false);
      expect(await pairings.list()).toEqual([]);
      expect((await pairings.request("telegram", "111"))?.created).toBe(true);
    });

    it("lists requests and approvals oldest first, per channel or all", async () => {
      const { pairings, clock } = await open();
      const a = (await pairings.request("telegram", "1", "One"))!.code;
      await clock.advance(1_000);
      const b = (await pairings.request("slack", "U2"))!.code;
      await clock.advance(1_000);
      const c = (await pairings.request("telegram", "3"))!.code;
      expect((await pairings.list()).map((r) => r.code)).toEqual([a, b, c]);
      expect((await pairings.list("telegram")).map((r) => r.code)).toEqual([a, c]);
      expect(await pairings.list("web")).toEqual([]);
      expect((await pairings.list("slack"))[0]).not.toHaveProperty("senderName");

      await pairings.approve("telegram", c);
      await clock.advance(1_000);
      await pairings.approve("slack", b);
      await clock.advance(1_000);
      await pairings.approve("telegram", a);
      expect((await pairings.allowed()).map((s) => s.senderId)).toEqual(["3", "U2", "1"]);
      expect((await pairings.allowed("telegram")).map((s) => s.senderId)).toEqual(["3", "1"]);
      expect((await pairings.allowed("slack"))[0]).not.toHaveProperty("senderName");
    });

    it("revokes an approval once", async () => {
      const { pairings } = await open();
      await pairings.approve("telegram", (await pairings.request("telegram", "111"))!.code);
      await pairings.approve("telegram", (await pairings.request("telegram", "222"))!.code);
      expect(await pairings.revoke("telegram", "111")).toBe(true);
      expect(await pairings.revoke("telegram", "111")).toBe(false);
      expect(await pairings.revoke("slack", "222")).toBe(false);
      expect(await pairings.isAllowed("telegram", "111")).toBe(false);
      expect((await pairings.allowed()).map((s) => s.senderId)).toEqual(["222"]);
      // A revoked sender can pair again.
      expect((await pairings.request("telegram", "111"))?.created).toBe(true);
    });

    it("gives one code to a sender asking many times at once", async () => {
      const { pairings } = await open();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => pairings.request("telegram", "111")),
      );
      expect(new Set(results.map((r) => r?.code)).size).toBe(1);
      expect(results.filter((r) => r?.created)).toHaveLength(1);
      expect(await pairings.list()).toHaveLength(1);
    });

    it("keeps the cap when many senders ask at once", async () => {
      const { pairings } = await open();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => pairings.request("telegram", `sender-${i}`)),
      );
      const granted = results.filter((r) => r !== null);
      expect(granted).toHaveLength(3);
      expect(new Set(granted.map((r) => r.code)).size).toBe(3);
      expect((await pairings.list()).map((r) => r.code).sort()).toEqual(granted.map((r) => r.code).sort());
    });
  });
}
