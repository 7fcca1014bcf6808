// Acknowledging a message goes before starting work on one. A webhook caller (Telegram) waits for
// its 200 while it holds one of a few connections; turns started meanwhile share the one event loop
// and would delay that 200 by their own start-up work. So turns wait for the intake to go quiet,
// for a bounded time, which costs a turn a few milliseconds and keeps acknowledgements fast in a burst.
import type { Clock } from "../../ports/clock.ts";

export interface IntakeGate {
  /** Runs `work` as intake: while it runs, and for `quietMs` after, turns wait to start. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once no intake has run for `quietMs`, or after `maxWaitMs` at most (turns never starve). */
  quiet(): Promise<void>;
}

export interface IntakeGateOptions {
  clock: Clock;
  /** How long intake must have been idle before a turn starts (default 5 ms). */
  quietMs?: number;
  /** The longest a turn waits, however busy the intake (default 100 ms). */
  maxWaitMs?: number;
}

export function createIntakeGate(options: IntakeGateOptions): IntakeGate {
  const { clock } = options;
  const quietMs = options.quietMs ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 100;
  let running = 0;
  let lastEnded = Number.NEGATIVE_INFINITY;
  return {
    async track(work) {
      running++;
      try {
        return await work();
      } finally {
        running--;
        lastEnded = clock.now();
      }
    },
    async quiet() {
      const deadline = clock.now() + maxWaitMs;
      for (;;) {
        const now = clock.now();
        // While intake runs its end is unknown: look again after quietMs.
        const wait = running > 0 ? quietMs : lastEnded + quietMs - now;
        if (wait <= 0 || now >= deadline) return;
        await clock.sleep(Math.min(wait, deadline - now));
      }
    },
  };
}
