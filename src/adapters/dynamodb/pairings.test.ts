// DynamoDB pairings: the shared contract against dynalite on loopback, plus the item layout, code clashes,
// retried puts and leftovers of a crash.
import { GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { freshTables, putsTwiceClient, useDynalite } from "../../../test/emulators/dynalite.ts";
import { pairingsContract } from "../../ports/pairings.contract.ts";
import { PAIRING_TTL_MS } from "../../ports/pairings.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoPairings } from "./pairings.ts";

const dynalite = useDynalite();

async function harness(newCode?: () => string) {
  const { state } = await freshTables(dynalite.client);
  const clock = createFakeClock();
  return {
    pairings: createDynamoPairings({ client: dynalite.client, table: state, clock, newCode }),
    clock,
    table: state,
  };
}

async function partition(table: string, pk: string) {
  const { Items } = await dynalite.client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: pk } },
    }),
  );
  return (Items ?? []).map((item) => item["sk"]?.S);
}

pairingsContract("dynamodb", async () => ({ ...(await harness()), cleanup: async () => {} }));

describe("DynamoDB pairings", () => {
  it("keeps a request, its slot and an approval as the items of the layout, with TTL in seconds", async () => {
    const { pairings, clock, table } = await harness();
    const { code } = (await pairings.request("telegram", "111", "Ada"))!;
    expect(await partition(table, "pairing-requests")).toEqual(["telegram#request#111", "telegram#slot#0"]);
    const { Item } = await dynalite.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: "pairing-requests" }, sk: { S: "telegram#request#111" } },
      }),
    );
    expect(Item?.["code"]?.S).toBe(code);
    expect(Item?.["expiresAt"]?.N).toBe(String(Math.ceil((clock.now() + PAIRING_TTL_MS) / 1000)));
    await pairings.approve("telegram", code);
    expect(await partition(table, "pairing-requests")).toEqual([]);
    expect(await partition(table, "allowed-senders")).toEqual(["telegram#111"]);
  });

  it("keeps channel names apart even when one holds the separator", async () => {
    const { pairings } = await harness();
    await pairings.request("a#b", "1");
    await pairings.request("a", "2");
    expect((await pairings.list("a")).map((r) => r.senderId)).toEqual(["2"]);
    expect((await pairings.list("a#b")).map((r) => r.channel)).toEqual(["a#b"]);
  });

  it("draws another code when the drawn one is live on the channel", async () => {
    const draws = ["AAAA2222", "AAAA2222", "BBBB3333"];
    const { pairings } = await harness(() => draws.shift()!);
    expect(await pairings.request("telegram", "1")).toEqual({ code: "AAAA2222", created: true });
    expect(await pairings.request("telegram", "2")).toEqual({ code: "BBBB3333", created: true });
  });

  it("gets its code when a put is sent twice, as the SDK does when the first response is lost", async () => {
    const { state } = await freshTables(dynalite.client);
    const retrying = putsTwiceClient(dynalite.endpoint);
    try {
      const pairings = createDynamoPairings({ client: retrying, table: state, clock: createFakeClock() });
      const first = await pairings.request("telegram", "1");
      expect(first?.created).toBe(true);
      expect(await pairings.request("telegram", "1")).toEqual({ code: first!.code, created: false });
      expect(await pairings.list()).toHaveLength(1);
    } finally {
      retrying.destroy();
    }
  });

  it("a slot a crash left taken frees itself when it expires", async () => {
    const { pairings, clock, table } = await harness();
    // As if a requester died after claiming a slot: the slot holds a place, but no request shows.
    await dynalite.client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: "pairing-requests" },
          sk: { S: "telegram#slot#0" },
          kind: { S: "slot" },
          code: { S: "ZZZZ9999" },
          until: { N: String(clock.now() + PAIRING_TTL_MS) },
          token: { S: "t" },
        },
      }),
    );
    await pairings.request("telegram", "1");
    await pairings.request("telegram", "2");
    expect(await pairings.request("telegram", "3")).toBeNull();
    expect(await pairings.list()).toHaveLength(2);
    await clock.advance(PAIRING_TTL_MS);
    expect((await pairings.request("telegram", "3"))?.created).toBe(true);
    expect(await partition(table, "pairing-requests")).toEqual(["telegram#request#3", "telegram#slot#0"]);
  });
});
