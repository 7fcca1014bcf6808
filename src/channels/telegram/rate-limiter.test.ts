// Behaviour of the per-bot limiter on a fake clock: per-chat spacing, the 30/s bucket, flood pauses,
// one shared limiter per token, and the retry policy of callWithinLimits.
import { GrammyError } from "grammy";
import { describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { callWithinLimits, createRateLimiter, TelegramApiError } from "./rate-limiter.ts";

/** Starts an acquire and records the clock time (relative to start) at which it resolved. */
function tracker(clock: FakeClock) {
  const start = clock.now();
  const done: [string, number][] = [];
  return {
    done,
    track: (label: string, promise: Promise<void>) =>
      void promise.then(() => done.push([label, clock.now() - start])),
  };
}

const flood = (retryAfter: number) =>
  new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: retryAfter } },
    "sendMessage",
    {},
  );

describe("createRateLimiter", () => {
  it("spaces calls to one chat by a second, in order, without holding up other chats", async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter(clock);
    const { done, track } = tracker(clock);
    for (const label of ["a1", "a2", "a3"]) track(label, limiter.acquire("a"));
    track("b1", limiter.acquire("b"));
    await clock.advance(0);
    expect(done).toEqual([
      ["a1", 0],
      ["b1", 0],
    ]);
    await clock.advance(999);
    expect(done).toHaveLength(2);
    await clock.advance(1001);
    expect(done.slice(2)).toEqual([
      ["a2", 1000],
      ["a3", 2000],
    ]);
  });

  it("lets 30 calls a second through and holds the 31st until the bucket refills", async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter(clock);
    const { done, track } = tracker(clock);
    for (let i = 0; i < 31; i++) track(`c${i}`, limiter.acquire(`chat-${i}`));
    await clock.advance(0);
    expect(done).toHaveLength(30);
    await clock.advance(40);
    expect(done.at(-1)).toEqual(["c30", 34]);
  });

  it("holds every call during a pause, and a shorter pause never shortens it", async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter(clock);
    const { done, track } = tracker(clock);
    limiter.pause(5000);
    limiter.pause(1000);
    expect(limiter.pausedFor()).toBe(5000);
    track("a", limiter.acquire("a"));
    track("typing", limiter.acquire());
    await clock.advance(4999);
    expect(done).toEqual([]);
    await clock.advance(1);
    expect(done).toEqual([
      ["a", 5000],
      ["typing", 5000],
    ]);
    expect(limiter.pausedFor()).toBe(0);
  });

  it("re-books a call whose slot came up while a pause began", async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter(clock);
    const { done, track } = tracker(clock);
    track("a1", limiter.acquire("a"));
    track("a2", limiter.acquire("a"));
    await clock.advance(0);
    await clock.advance(500);
    limiter.pause(3000);
    await clock.advance(5000);
    expect(done).toEqual([
      ["a1", 0],
      ["a2", 3500],
    ]);
  });
});

describe("callWithinLimits", () => {
  it("gives up on a bot that stays under flood control and says so", async () => {
    const clock = createFakeClock();
    let calls = 0;
    const result = callWithinLimits({
      limiter: createRateLimiter(clock),
      clock,
      log: () => {},
      method: "sendMessage",
      chatId: "42",
      run: () => {
        calls++;
        return Promise.reject(flood(1));
      },
    });
    const settled = result.catch((error: unknown) => error);
    for (let i = 0; i < 20; i++) await clock.advance(1000);
    const error = await settled;
    expect(error).toBeInstanceOf(TelegramApiError);
    expect((error as TelegramApiError).code).toBe(429);
    expect((error as Error).message).toMatch(
      /Telegram refused sendMessage to chat 42: 429 Too Many Requests/,
    );
    expect(calls).toBe(11);
  });
});
