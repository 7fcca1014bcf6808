// The suite every Queue adapter must pass. Visibility is 1 s so that SQS (whole seconds) can run it.
import { describe, expect, it } from "vitest";
import { useHarness } from "./contract-harness.ts";
import type { Queue, QueueDelivery } from "./queue.ts";

export interface QueueHarness {
  queue: Queue;
  /** Lets `ms` pass as the queue sees time (a fake clock advances; a remote queue is waited for). */
  pass(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

const VISIBILITY = 1_000;

/** Receives until `count` messages came or a receive returned nothing. */
async function drain(queue: Queue, count: number): Promise<QueueDelivery[]> {
  const got: QueueDelivery[] = [];
  while (got.length < count) {
    const batch = await queue.receive({ max: 10, visibilityMs: VISIBILITY });
    if (batch.length === 0) break;
    for (const d of batch) {
      got.push(d);
      await queue.ack(d);
    }
  }
  return got;
}

export function queueContract(name: string, make: () => Promise<QueueHarness>): void {
  describe(`Queue contract: ${name}`, () => {
    const open = useHarness(make);

    it("delivers what was enqueued, with its body, once acked gone", async () => {
      const { queue } = await open();
      expect(await queue.enqueue({ group: "s1", dedupeId: "m1", body: { text: "hi", n: 1 } })).toBe(true);
      const [d] = await queue.receive({ max: 10, visibilityMs: VISIBILITY });
      expect(d).toMatchObject({ group: "s1", dedupeId: "m1", body: { text: "hi", n: 1 }, attempts: 1 });
      await queue.ack(d!);
      expect(await queue.receive({ max: 10, visibilityMs: VISIBILITY })).toEqual([]);
    });

    it("refuses a body JSON cannot carry and an out-of-range max, alike on every adapter", async () => {
      const { queue } = await open();
      await expect(queue.enqueue({ group: "s1", dedupeId: "u", body: undefined })).rejects.toThrow(TypeError);
      await expect(queue.enqueue({ group: "", dedupeId: "e", body: 1 })).rejects.toThrow(/group/);
      await expect(queue.receive({ max: 11, visibilityMs: VISIBILITY })).rejects.toThrow(RangeError);
      await expect(queue.receive({ max: 0, visibilityMs: VISIBILITY })).rejects.toThrow(RangeError);
      expect(await queue.receive({ max: 10, visibilityMs: VISIBILITY })).toEqual([]);
    });

    it("drops a duplicate dedupeId", async () => {
      const { queue } = await open();
      expect(await queue.enqueue({ group: "s1", dedupeId: "dup", body: 1 })).toBe(true);
      expect(await queue.enqueue({ group: "s1", dedupeId: "dup", body: 2 })).toBe(false);
      const got = await drain(queue, 2);
      expect(got.map((d) => d.body)).toEqual([1]);
    });

    it("keeps order within a group and holds the group while a message is in flight", async () => {
      const { queue } = await open();
      for (let i = 1; i <= 3; i++) await queue.enqueue({ group: "s1", dedupeId: `a${i}`, body: i });
      const first = await queue.receive({ max: 10, visibilityMs: VISIBILITY });
      expect(first.map((d) => d.body)).toEqual(first.map((_, i) => i + 1));
      const held = await queue.receive({ max: 10, visibilityMs: VISIBILITY });
      expect(held).toEqual([]);
      for (const d of first) await queue.ack(d);
      const rest = await drain(queue, 3 - first.length);
      expect([...first, ...rest].map((d) => d.body)).toEqual([1, 2, 3]);
    });

    it("serves other groups while one group is in flight", async () => {
      const { queue } = await open();
      await queue.enqueue({ group: "busy", dedupeId: "b1", body: "b1" });
      await queue.enqueue({ group: "busy", dedupeId: "b2", body: "b2" });
      const [busy] = await queue.receive({ max: 1, visibilityMs: VISIBILITY });
      expect(busy?.body).toBe("b1");
      await queue.enqueue({ group: "free", dedupeId: "f1", body: "f1" });
      const next = await queue.receive({ max: 10, visibilityMs: VISIBILITY });
      expect(next.map((d) => d.body)).toEqual(["f1"]);
    });

    it("delivers an unacked message again after its visibility expires, counting attempts", async () => {
      const { queue, pass } = await open();
      await queue.enqueue({ group: "s1", dedupeId: "crash", body: "x" });
      const [first] = await queue.receive({ max: 1, visibilityMs: VISIBILITY });
      expect(first?.attempts).toBe(1);
      await pass(VISIBILITY + 1_100);
      const [again] = await queue.receive({ max: 1, visibilityMs: VISIBILITY });
      expect(again).toMatchObject({ body: "x", attempts: 2 });
      await queue.ack(again!);
      await queue.ack(first!); // a stale receipt is not an error
    });

    it("retry puts a message back at the head of its group", async () => {
      const { queue } = await open();
      await queue.enqueue({ group: "s1", dedupeId: "r1", body: "first" });
      await queue.enqueue({ group: "s1", dedupeId: "r2", body: "second" });
      const [d] = await queue.receive({ max: 1, visibilityMs: VISIBILITY });
      await queue.retry(d!, 0);
      const [again] = await queue.receive({ max: 1, visibilityMs: VISIBILITY });
      expect(again).toMatchObject({ body: "first", attempts: 2 });
    });

    it("ends a long poll early when its signal aborts", async () => {
      const { queue } = await open();
      const controller = new AbortController();
      const waiting = queue.receive({
        max: 1,
        visibilityMs: VISIBILITY,
        waitMs: 20_000,
        signal: controller.signal,
      });
      controller.abort();
      expect(await waiting).toEqual([]);
      await queue.enqueue({ group: "s1", dedupeId: "after-abort", body: "still here" });
      const [d] = await queue.receive({ max: 1, visibilityMs: VISIBILITY, waitMs: 1_000 });
      expect(d?.body).toBe("still here");
    });

    it("long-polls: a receive waiting for work returns the message enqueued meanwhile", async () => {
      const { queue } = await open();
      const waiting = queue.receive({ max: 1, visibilityMs: VISIBILITY, waitMs: 2_000 });
      await queue.enqueue({ group: "s1", dedupeId: "late", body: "late" });
      const got = await waiting;
      // Some queues answer an in-progress poll empty; the message must then be there right after.
      const seen =
        got.length > 0 ? got : await queue.receive({ max: 1, visibilityMs: VISIBILITY, waitMs: 1_000 });
      expect(seen.map((d) => d.body)).toEqual(["late"]);
    });
  });
}
