// The suite every Outbox adapter must pass.
import { describe, expect, it } from "vitest";
import type { FakeClock } from "../util/fake-clock.ts";
import { useHarness } from "./contract-harness.ts";
import type { Outbox, OutboxRecord } from "./outbox.ts";

export interface OutboxHarness {
  outbox: Outbox;
  clock: FakeClock;
  cleanup(): Promise<void>;
}

const record = (key: string, over: Partial<OutboxRecord> = {}): OutboxRecord => ({
  key,
  sessionKey: "agent:main:main",
  status: "done",
  reply: `reply to ${key}`,
  usage: { inputTokens: 12, outputTokens: 3 },
  createdAt: 1_000,
  ...over,
});

export function outboxContract(name: string, make: () => Promise<OutboxHarness>): void {
  describe(`Outbox contract: ${name}`, () => {
    const open = useHarness(make);

    it("stores a record and reads it back", async () => {
      const { outbox } = await open();
      expect(await outbox.get("m1")).toBeNull();
      expect(await outbox.put(record("m1"))).toEqual(record("m1"));
      expect(await outbox.get("m1")).toEqual(record("m1"));
    });

    it("keeps where a channel delivers the reply", async () => {
      const { outbox } = await open();
      const deliverTo = {
        channel: "telegram",
        account: "default",
        chatId: "-100123",
        threadId: "7",
        replyToMessageId: "42",
      };
      await outbox.put(record("t1", { deliverTo }));
      expect(await outbox.get("t1")).toEqual(record("t1", { deliverTo }));
      expect((await outbox.undelivered(10)).map((r) => r.deliverTo)).toEqual([deliverTo]);
    });

    it("keeps the first record written for a key, also when writers race", async () => {
      const { outbox } = await open();
      const results = await Promise.all(
        ["a", "b", "c", "d"].map((reply) => outbox.put(record("race", { reply }))),
      );
      const stored = await outbox.get("race");
      expect(new Set(results.map((r) => r.reply))).toEqual(new Set([stored?.reply]));
      expect(await outbox.put(record("race", { reply: "late", status: "failed" }))).toEqual(stored);
    });

    it("marks delivery once and lists what is still undelivered, oldest first", async () => {
      const { outbox } = await open();
      await outbox.put(record("new", { createdAt: 3_000 }));
      await outbox.put(record("old", { createdAt: 1_000 }));
      await outbox.put(record("mid", { createdAt: 2_000, status: "failed", reply: "Sorry." }));
      expect((await outbox.undelivered(10)).map((r) => r.key)).toEqual(["old", "mid", "new"]);
      await outbox.markDelivered("mid", 5_000);
      await outbox.markDelivered("mid", 9_000);
      await outbox.markDelivered("unknown", 9_000);
      expect((await outbox.get("mid"))?.deliveredAt).toBe(5_000);
      expect((await outbox.undelivered(1)).map((r) => r.key)).toEqual(["old"]);
      expect((await outbox.undelivered(10)).map((r) => r.key)).toEqual(["old", "new"]);
    });
  });
}
