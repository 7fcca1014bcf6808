// DynamoDB usage ledger: the shared contract against dynalite on loopback, two clients of one table.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { dynamoClient, freshTables, useDynalite } from "../../../test/emulators/dynalite.ts";
import { usageContract } from "../../ports/usage.contract.ts";
import { createDynamoUsage } from "./usage.ts";

const dynalite = useDynalite();
let otherClient: DynamoDBClient;
beforeAll(() => {
  otherClient = dynamoClient(dynalite.endpoint);
});
afterAll(() => otherClient?.destroy());

usageContract("dynamodb", async () => {
  const { state } = await freshTables(dynalite.client);
  return {
    usage: createDynamoUsage({ client: dynalite.client, table: state }),
    other: createDynamoUsage({ client: otherClient, table: state }),
    cleanup: async () => {},
  };
});
