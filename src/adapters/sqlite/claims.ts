// Claims on SQLite: each operation is one conditional statement, so it is race-free between
// adapters and processes sharing state.db. Expiry is judged by the injected Clock, not SQLite's.
import type { DatabaseSync } from "node:sqlite";
import type { Claims, Lease } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";

export interface SqliteClaimsOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  clock: Clock;
}

/** Expired idempotency keys are swept once every this many claims. */
const SWEEP_EVERY = 256;

/**
 * Claims backed by the `claim_keys` and `claim_leases` tables.
 * A lease is held by its owner until `until`; renew and release match on key and owner, so an
 * owner whose expired lease nobody took over may still renew it.
 */
export function createSqliteClaims({ db, clock }: SqliteClaimsOptions): Claims {
  const claimKey = db.prepare(
    `INSERT INTO claim_keys (key, expires_at) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE claim_keys.expires_at <= ?`,
  );
  const sweepKeys = db.prepare("DELETE FROM claim_keys WHERE expires_at <= ?");
  const acquire = db.prepare(
    `INSERT INTO claim_leases (key, owner, until) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE claim_leases.until <= ?
     RETURNING key, owner, until`,
  );
  const renew = db.prepare(
    "UPDATE claim_leases SET until = ? WHERE key = ? AND owner = ? RETURNING key, owner, until",
  );
  const release = db.prepare("DELETE FROM claim_leases WHERE key = ? AND owner = ?");
  let claims = 0;

  const toLease = (row: Record<string, unknown> | undefined): Lease | null =>
    row ? { key: String(row["key"]), owner: String(row["owner"]), until: Number(row["until"]) } : null;

  return {
    async claimOnce(key, ttlMs) {
      const now = clock.now();
      if (++claims % SWEEP_EVERY === 0) sweepKeys.run(now);
      // The upsert writes only when the key is new or its claim has expired.
      return claimKey.run(key, now + ttlMs, now).changes > 0;
    },
    async acquireLease(key, owner, ttlMs) {
      const now = clock.now();
      return toLease(acquire.get(key, owner, now + ttlMs, now));
    },
    async renewLease(lease, ttlMs) {
      return toLease(renew.get(clock.now() + ttlMs, lease.key, lease.owner));
    },
    async releaseLease(lease) {
      release.run(lease.key, lease.owner);
    },
  };
}
