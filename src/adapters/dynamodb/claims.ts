// Claims on DynamoDB: idempotency keys and leases as single conditional writes (no transactions, so it
// also runs on dynalite). Expiry is judged by the injected Clock; the TTL attribute only tidies up.
import { randomUUID } from "node:crypto";
import { DeleteItemCommand, type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { Claims, Lease } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import { isConditionFailed, n, putIfFree, s, ttlSeconds } from "./items.ts";
import { KEYS, STATE_TABLE } from "./tables.ts";

/** Options of createDynamoClaims. */
export interface DynamoClaimsOptions {
  client: DynamoDBClient;
  /** Name of the state table (see tables.ts). */
  table: string;
  clock: Clock;
}

/** Claims in the state table: one item per claim key and one per lease key. */
export function createDynamoClaims(options: DynamoClaimsOptions): Claims {
  const { client, table, clock } = options;
  const key = (k: { pk: string; sk: string }) => ({ pk: s(k.pk), sk: s(k.sk) });

  /** Puts the claim or lease item unless a live one holds its key (see items.ts putIfFree). */
  async function claim(k: { pk: string; sk: string }, until: number, owner?: string): Promise<boolean> {
    const item = {
      ...key(k),
      until: n(until),
      token: s(randomUUID()),
      [STATE_TABLE.ttlAttribute]: ttlSeconds(until),
      ...(owner === undefined ? {} : { owner: s(owner) }),
    };
    return (await putIfFree(client, table, item, clock.now())).won;
  }

  return {
    async claimOnce(claimKey, ttlMs) {
      return claim(KEYS.claim(claimKey), clock.now() + ttlMs);
    },

    async acquireLease(leaseKey, owner, ttlMs) {
      const until = clock.now() + ttlMs;
      return (await claim(KEYS.lease(leaseKey), until, owner)) ? { key: leaseKey, owner, until } : null;
    },

    async renewLease(lease, ttlMs): Promise<Lease | null> {
      const until = clock.now() + ttlMs;
      try {
        // Owner alone decides: a lapsed lease nobody took over may still be renewed by its owner.
        await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(KEYS.lease(lease.key)),
            UpdateExpression: "SET #until = :until, #ttl = :ttl",
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: {
              "#until": "until",
              "#owner": "owner",
              "#ttl": STATE_TABLE.ttlAttribute,
            },
            ExpressionAttributeValues: {
              ":until": n(until),
              ":ttl": ttlSeconds(until),
              ":owner": s(lease.owner),
            },
          }),
        );
        return { key: lease.key, owner: lease.owner, until };
      } catch (err) {
        if (isConditionFailed(err)) return null;
        throw err;
      }
    },

    async releaseLease(lease) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: table,
            Key: key(KEYS.lease(lease.key)),
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": s(lease.owner) },
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    },
  };
}
