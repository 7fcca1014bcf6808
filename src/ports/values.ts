// Small pieces of state any process may read and write by key (the last chat the owner wrote from,
// hook jobs accepted): a table row in state.db locally, one DynamoDB item on AWS.

/** Options of one put. */
export interface PutOptions {
  /** Forget the value after this long (Clock milliseconds); absent: keep it until replaced or removed. */
  ttlMs?: number;
}

/**
 * JSON values by key. Implemented by adapters/sqlite/values.ts and adapters/dynamodb/values.ts.
 * Contract: a put is durable once it resolves and visible to every process that reads after it.
 */
export interface Values {
  /** The value stored under `key`, or undefined when there is none or its ttl is up. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Contract: stores a JSON-serialisable value under `key`, replacing what was there (and its ttl). */
  put(key: string, value: unknown, options?: PutOptions): Promise<void>;
  /**
   * Contract: stores the value only when no live value holds `key` (none, or its ttl is up), atomically
   * across processes: of two racing callers exactly one gets true. False: a live value was there and is
   * left as it was (read it with get).
   */
  putIfAbsent(key: string, value: unknown, options?: PutOptions): Promise<boolean>;
  /** Contract: removes the value; removing a missing key is not an error. */
  remove(key: string): Promise<void>;
}
