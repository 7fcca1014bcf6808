// The waiting system events of a session are taken under a lease: two beats racing in two
// processes (two schedule firings, a wake beside a periodic beat) never relay the same event twice.
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";

/** How long a beat holds the lease (it needs it for a read, a queue write and a delete). */
const LEASE_MS = 60_000;
/** Waits for another process's beat that holds it: tries, and the wait between them. */
const TRIES = 50;
const WAIT_MS = 100;

/** Runs `work` holding the events' lease of `sessionKey`; throws when another beat keeps it for seconds. */
export async function withEventLease<T>(
  deps: { clock: Clock; claims: Pick<Claims, "acquireLease" | "releaseLease">; sessionKey: string },
  owner: string,
  work: () => Promise<T>,
): Promise<T> {
  const key = `heartbeat:events:${deps.sessionKey}`;
  for (let tries = 1; ; tries++) {
    const lease = await deps.claims.acquireLease(key, owner, LEASE_MS);
    if (lease) {
      try {
        return await work();
      } finally {
        await deps.claims.releaseLease(lease).catch(() => {});
      }
    }
    if (tries >= TRIES) throw new Error("another heartbeat holds the waiting events; try again");
    await deps.clock.sleep(WAIT_MS);
  }
}
