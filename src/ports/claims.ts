// Idempotency keys and leases: the two primitives that make "answered exactly once" possible.

/** A held lease. `until` is the expiry in Clock milliseconds. */
export interface Lease {
  key: string;
  owner: string;
  until: number;
}

/**
 * Idempotency keys and leases, built on single conditional writes (DynamoDB emulators have no
 * transactions). Expiry is judged by the adapter's injected Clock. Implemented in adapters/sqlite
 * and adapters/dynamodb.
 */
export interface Claims {
  /** Contract: true exactly once per key while the claim lives (ttlMs); a duplicate returns false, never throws. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Contract: at most one live lease per key; an expired lease may be taken over by any owner. */
  acquireLease(key: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Contract: extends a lease its owner still holds; null when it expired and was taken over. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Contract: frees the lease if this owner still holds it; otherwise does nothing. */
  releaseLease(lease: Lease): Promise<void>;
}
