// Time as a port: the core asks a Clock, never Date.now() or setTimeout, so tests drive time.

/** A source of time. Implemented by util/system-clock.ts and util/fake-clock.ts. */
export interface Clock {
  /** Contract: milliseconds since the epoch; never decreases between calls. */
  now(): number;
  /**
   * Contract: resolves once `ms` have passed on this clock (a fake clock: once advanced past it);
   * rejects with the signal's reason when the signal aborts first, and clears its timer.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
