// DynamoDB values: the shared contract against dynalite on loopback, plus the item layout with TTL.
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, freshTables, useDynalite } from "../../../test/emulators/dynalite.ts";
import { valuesContract } from "../../ports/values.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoValues } from "./values.ts";

const dynalite = useDynalite();
// A second process's client of the same table.
let otherClient: DynamoDBClient;
beforeAll(() => {
  otherClient = dynamoClient(dynalite.endpoint);
});
afterAll(() => otherClient?.destroy());

valuesContract("dynamodb", async () => {
  const { state } = await freshTables(dynalite.client);
  const clock = createFakeClock();
  return {
    values: createDynamoValues({ client: dynalite.client, table: state, clock }),
    other: createDynamoValues({ client: otherClient, table: state, clock }),
    clock,
    cleanup: async () => {},
  };
});

describe("DynamoDB values", () => {
  it("keeps a value as one item of the layout, with its expiry for DynamoDB's TTL in seconds", async () => {
    const { state } = await freshTables(dynalite.client);
    const clock = createFakeClock();
    const values = createDynamoValues({ client: dynalite.client, table: state, clock });
    await values.put("hook-accepted:a", { at: 1 }, { ttlMs: 90_500 });
    const { Item } = await dynalite.client.send(
      new GetItemCommand({
        TableName: state,
        Key: { pk: { S: "value#hook-accepted:a" }, sk: { S: "value" } },
      }),
    );
    expect(Item?.["body"]?.S).toBe('{"at":1}');
    expect(Item?.["expiresAt"]?.N).toBe(String(Math.ceil((clock.now() + 90_500) / 1000)));
  });
});
