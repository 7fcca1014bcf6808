// Lanes: turns of one session run one at a time in arrival order, different sessions in parallel
// up to a cap, and messages that arrive while a session is busy are collected into its next turn.

export interface LanesOptions<I, R> {
  /** Turns that may run at once across all sessions. */
  maxConcurrent: number;
  /**
   * Runs one turn for `key` with every item collected for it, in arrival order.
   * Contract: may reject; the rejection reaches every submitter of that batch.
   */
  run: (key: string, items: I[]) => Promise<R>;
}

export interface Lanes<I> {
  /** Contract: resolves (or rejects) with the outcome of the turn that took this item. */
  submit<R>(key: string, item: I): Promise<R>;
  /** Turns running now. */
  readonly running: number;
  /** Sessions with items waiting (for a free slot, or for their current turn to end). */
  readonly waiting: number;
  /** Resolves once nothing is running or waiting. */
  idle(): Promise<void>;
}

interface Pending {
  item: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Lane {
  pending: Pending[];
  busy: boolean;
  ready: boolean;
}

export function createLanes<I, R>(options: LanesOptions<I, R>): Lanes<I> {
  if (!(options.maxConcurrent >= 1)) throw new Error("maxConcurrent must be at least 1");
  const lanes = new Map<string, Lane>();
  const ready: string[] = []; // lanes with work, waiting for a slot, in the order they became ready
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  const checkIdle = () => {
    if (running > 0 || lanes.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const pump = () => {
    while (running < options.maxConcurrent && ready.length > 0) {
      const key = ready.shift()!;
      const lane = lanes.get(key)!;
      lane.ready = false;
      start(key, lane);
    }
    checkIdle();
  };

  const start = (key: string, lane: Lane) => {
    const batch = lane.pending.splice(0);
    lane.busy = true;
    running++;
    let outcome: Promise<R>;
    try {
      outcome = options.run(
        key,
        batch.map((p) => p.item as I),
      );
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome
      .then(
        (value) => {
          for (const p of batch) p.resolve(value);
        },
        (error) => {
          for (const p of batch) p.reject(error);
        },
      )
      .finally(() => {
        running--;
        lane.busy = false;
        if (lane.pending.length > 0) {
          // Back of the line: a chatty session cannot starve the others.
          lane.ready = true;
          ready.push(key);
        } else {
          lanes.delete(key);
        }
        pump();
      });
  };

  return {
    submit<T>(key: string, item: I): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let lane = lanes.get(key);
        if (!lane) {
          lane = { pending: [], busy: false, ready: false };
          lanes.set(key, lane);
        }
        lane.pending.push({ item, resolve: resolve as (value: unknown) => void, reject });
        if (!lane.busy && !lane.ready) {
          lane.ready = true;
          ready.push(key);
        }
        pump();
      });
    },
    get running() {
      return running;
    },
    get waiting() {
      let count = 0;
      for (const lane of lanes.values()) if (lane.pending.length > 0) count++;
      return count;
    },
    idle() {
      if (running === 0 && lanes.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
