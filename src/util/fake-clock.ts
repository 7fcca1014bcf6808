// A clock that moves only when a test advances it; sleepers wake in time order.
import type { Clock } from "../ports/clock.ts";

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

export interface FakeClock extends Clock {
  /** Moves time forward by ms, waking every sleeper due on the way, in order. */
  advance(ms: number): Promise<void>;
  /** How many sleepers are waiting (lets a test wait until code under test is parked). */
  readonly pending: number;
}

export function createFakeClock(start = Date.UTC(2026, 10, 22, 9, 0, 0)): FakeClock {
  let time = start;
  let seq = 0;
  const sleepers: Sleeper[] = [];
  // Let promise chains that a wake-up starts run before the next sleeper is considered.
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    now: () => time,
    get pending() {
      return sleepers.length;
    },
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
          reject(signal?.reason);
        };
        const sleeper: Sleeper = {
          at: time + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    async advance(ms) {
      const target = time + ms;
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = sleepers[0];
        if (!next || next.at > target) break;
        sleepers.shift();
        time = Math.max(time, next.at);
        next.resolve();
        await settle();
      }
      time = target;
      await settle();
    },
  };
}
