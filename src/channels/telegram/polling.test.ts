// The Telegram poller against the fake Bot API with the real grammY client: delivery order and offsets,
// re-delivery, the webhook refusal, each error's wait, the stall watchdog and stop(). Waits run on a FakeClock.
import { Api } from "grammy";
import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../../test/fakes/telegram-bot-api.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { createTelegramPoller, type TelegramPoller, type TelegramPollerOptions } from "./polling.ts";

let fake: TelegramFake;
let clock: FakeClock;
let pollers: TelegramPoller[];

beforeEach(async () => {
  fake = await startTelegramFake();
  clock = createFakeClock();
  pollers = [];
});
afterEach(async () => {
  fake.stallGetUpdates(false);
  await Promise.all(pollers.map((p) => p.stop()));
  await fake.close();
});

/** A poller on the fake that records batches, saved offsets and log lines; `then` runs after recording. */
function harness(
  options: Partial<TelegramPollerOptions> & { then?: (updates: Update[]) => Promise<void> } = {},
) {
  const received: number[][] = [];
  const saved: number[] = [];
  const logs: string[] = [];
  const { then, ...rest } = options;
  const poller = createTelegramPoller({
    token: fake.token,
    apiRoot: fake.url,
    clock,
    handle: async (updates) => {
      received.push(updates.map((u) => u.update_id));
      await then?.(updates);
    },
    loadOffset: async () => saved.at(-1),
    saveOffset: async (offset) => void saved.push(offset),
    log: (level, message) => void logs.push(`${level}: ${message}`),
    ...rest,
  });
  pollers.push(poller);
  return { poller, received, saved, logs };
}

const polls = () => fake.sent.filter((c) => c.method === "getUpdates");
const push = () => {
  const update = fake.message({ text: "hi" });
  fake.pushUpdate(update);
  return update.update_id;
};

describe("createTelegramPoller", () => {
  it("hands batches over in order and saves the offset only after handle resolves", async () => {
    const [a, b] = [push(), push()];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { poller, received, saved } = harness({ then: () => gate });
    await poller.start();
    await vi.waitFor(() => expect(received).toEqual([[a, b]]));
    expect(saved).toEqual([]);
    expect(polls()).toHaveLength(1);
    expect(polls()[0]!.params).toMatchObject({
      timeout: 25,
      allowed_updates: ["message", "callback_query"],
    });

    release();
    const [, next] = await fake.waitFor("getUpdates", 2000, 2);
    expect(saved).toEqual([b + 1]);
    expect(next!.params["offset"]).toBe(b + 1);
    const c = push();
    await vi.waitFor(() => expect(received).toEqual([[a, b], [c]]));
    expect(poller.status()).toMatchObject({ state: "polling", restarts: 0, lastUpdateAt: clock.now() });
  });

  it("re-delivers the same batch after a backoff when handle fails", async () => {
    const a = push();
    let calls = 0;
    const { poller, received, saved, logs } = harness({
      then: async () => {
        if (++calls === 1) throw new Error("disk full");
      },
    });
    await poller.start();
    await vi.waitFor(() => expect(poller.status().state).toBe("backoff"));
    expect(logs.join("\n")).toMatch(/handling 1 Telegram updates failed \(disk full\); retrying in 1s/);
    expect(saved).toEqual([]);
    await clock.advance(1000);
    await vi.waitFor(() => expect(saved).toEqual([a + 1]));
    expect(received).toEqual([[a], [a]]);
  });

  it("resumes from the saved offset without re-delivering confirmed updates", async () => {
    const a = push();
    const first = harness({ then: async () => void first.poller.stop() });
    await first.poller.start();
    await vi.waitFor(() => expect(first.saved).toEqual([a + 1]));
    await first.poller.stop();
    // Telegram still holds `a` (no getUpdates confirmed it): only our saved offset skips it.
    expect(fake.pending.map((u) => u.update_id)).toEqual([a]);
    expect(polls()).toHaveLength(1);

    const b = push();
    const second = harness({ loadOffset: async () => first.saved.at(-1) });
    await second.poller.start();
    await vi.waitFor(() => expect(second.received).toEqual([[b]]));
    expect(polls()[1]!.params["offset"]).toBe(a + 1);
  });

  it("refuses to poll while a webhook is set and leaves the webhook alone", async () => {
    await new Api(fake.token, { apiRoot: fake.url }).setWebhook("https://claw.example.com/telegram");
    const { poller } = harness();
    const refusal = poller.start();
    await expect(refusal).rejects.toThrow(/webhook at https:\/\/claw\.example\.com\/telegram/);
    await expect(refusal).rejects.toThrow(/agent-claw channels telegram delete-webhook.*mode to "webhook"/);
    expect(poller.status().state).toBe("error");
    expect(polls()).toHaveLength(0);
    expect(fake.webhook?.url).toBe("https://claw.example.com/telegram");
  });

  it("stops in the error state when the token is rejected (401)", async () => {
    const { poller, logs } = harness({ token: "999:WrongToken" });
    await expect(poller.start()).rejects.toThrow(/token is wrong/);
    expect(poller.status()).toMatchObject({ state: "error", detail: expect.stringMatching(/401/) });
    expect(logs.at(-1)).toMatch(/^error: .*polling stopped/);
  });

  it("waits retry_after on 429", async () => {
    fake.failNext("getUpdates", { status: 429, retryAfter: 7 });
    const { poller } = harness();
    await poller.start();
    await vi.waitFor(() => expect(poller.status().state).toBe("backoff"));
    await clock.advance(6999);
    expect(clock.pending).toBe(1);
    expect(polls()).toHaveLength(1);
    await clock.advance(1);
    await fake.waitFor("getUpdates", 2000, 2);
  });

  it("backs off 1 s then 2 s on 5xx, and resets after a success", async () => {
    fake.failNext("getUpdates", { status: 500 }, 2);
    const { poller } = harness();
    await poller.start();
    for (const [ms, count] of [
      [1000, 2],
      [2000, 3],
    ] as const) {
      await vi.waitFor(() => expect(poller.status().state).toBe("backoff"));
      await clock.advance(ms - 1);
      expect(polls()).toHaveLength(count - 1);
      expect(clock.pending).toBe(1);
      await clock.advance(1);
      await fake.waitFor("getUpdates", 2000, count);
    }
    await vi.waitFor(() => expect(poller.status().state).toBe("polling"));
  });

  it("re-checks the webhook after a 409 and stops when one appeared", async () => {
    const { poller, logs } = harness();
    await poller.start();
    await fake.waitFor("getUpdates");
    await new Api(fake.token, { apiRoot: fake.url }).setWebhook("https://claw.example.com/hook");
    await vi.waitFor(() => expect(poller.status().state).toBe("backoff"));
    expect(logs.join("\n")).toMatch(/warn: Telegram getUpdates conflict/);
    await clock.advance(5000);
    await vi.waitFor(() => expect(poller.status().state).toBe("error"));
    expect(poller.status().detail).toMatch(/webhook at https:\/\/claw\.example\.com\/hook/);
  });

  it("aborts a stalled long poll after stallMs and polls again", async () => {
    fake.stallGetUpdates(true);
    const { poller, received, logs } = harness({ timeoutSeconds: 10 });
    await poller.start();
    await fake.waitFor("getUpdates");
    expect(clock.pending).toBe(1); // the watchdog
    await clock.advance(25_000);
    await fake.waitFor("getUpdates", 2000, 2);
    expect(poller.status().restarts).toBe(1);
    expect(logs).toContain("warn: getUpdates stalled for 25s; restarting the long poll");

    const a = push();
    fake.stallGetUpdates(false);
    await vi.waitFor(() => expect(received).toEqual([[a]]));
  });

  it("stop() ends promptly while a long poll is waiting and makes no further calls", async () => {
    const { poller } = harness();
    await poller.start();
    await fake.waitFor("getUpdates");
    const began = performance.now();
    await poller.stop();
    expect(performance.now() - began).toBeLessThan(1000);
    expect(poller.status().state).toBe("stopped");
    expect(clock.pending).toBe(0);
    expect(fake.sent.map((c) => c.method)).toEqual(["getWebhookInfo", "getUpdates"]);
  });
});
