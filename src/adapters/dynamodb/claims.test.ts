// Claims on DynamoDB: the shared contract against dynalite on loopback, plus DynamoDB-specific checks.
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { freshTables, putsTwiceClient, useDynalite } from "../../../test/emulators/dynalite.ts";
import { claimsContract } from "../../ports/claims.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoClaims } from "./claims.ts";

const dynalite = useDynalite();

async function harness() {
  const { state } = await freshTables(dynalite.client);
  const clock = createFakeClock();
  return {
    claims: createDynamoClaims({ client: dynalite.client, table: state, clock }),
    clock,
    table: state,
  };
}

claimsContract("dynamodb", async () => ({ ...(await harness()), cleanup: async () => {} }));

describe("DynamoDB claims", () => {
  it("stores the expiry for DynamoDB's TTL cleanup in whole seconds", async () => {
    const { claims, clock, table } = await harness();
    await claims.claimOnce("k", 1_500);
    const { Item } = await dynalite.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "claim#k" }, sk: { S: "claim" } } }),
    );
    expect(Item?.["until"]?.N).toBe(String(clock.now() + 1_500));
    expect(Item?.["expiresAt"]?.N).toBe(String(Math.ceil((clock.now() + 1_500) / 1000)));
  });

  it("keeps claims and leases of the same key apart", async () => {
    const { claims } = await harness();
    expect(await claims.claimOnce("same", 10_000)).toBe(true);
    expect(await claims.acquireLease("same", "w", 10_000)).not.toBeNull();
    expect(await claims.claimOnce("same", 10_000)).toBe(false);
  });

  it("counts a claim as won when a retried put finds its own first attempt", async () => {
    const { state } = await freshTables(dynalite.client);
    const retrying = putsTwiceClient(dynalite.endpoint);
    try {
      const claims = createDynamoClaims({ client: retrying, table: state, clock: createFakeClock() });
      expect(await claims.claimOnce("once", 10_000)).toBe(true);
      expect(await claims.acquireLease("lease", "w1", 10_000)).toMatchObject({ owner: "w1" });
      expect(await claims.claimOnce("once", 10_000)).toBe(false);
    } finally {
      retrying.destroy();
    }
  });

  it("expires claims and leases exactly at their until, as the SQLite adapter does", async () => {
    const { claims, clock } = await harness();
    expect(await claims.claimOnce("c", 1_000)).toBe(true);
    await claims.acquireLease("l", "w1", 1_000);
    await clock.advance(999);
    expect(await claims.claimOnce("c", 1_000)).toBe(false);
    expect(await claims.acquireLease("l", "w2", 1_000)).toBeNull();
    await clock.advance(1);
    expect(await claims.claimOnce("c", 1_000)).toBe(true);
    expect(await claims.acquireLease("l", "w2", 1_000)).toMatchObject({ owner: "w2" });
  });

  it("lets the owner renew a lapsed lease nobody took over", async () => {
    const { claims, clock } = await harness();
    const lease = await claims.acquireLease("s", "w", 1_000);
    await clock.advance(5_000);
    expect(await claims.renewLease(lease!, 1_000)).toEqual({
      key: "s",
      owner: "w",
      until: clock.now() + 1_000,
    });
    expect(await claims.acquireLease("s", "other", 1_000)).toBeNull();
  });
});
