// The outbox on DynamoDB: the shared contract against dynalite on loopback.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { dynamoClient, type Emulator, freshTables, startDynalite } from "../../../test/emulators/dynalite.ts";
import { outboxContract } from "../../ports/outbox.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoOutbox } from "./outbox.ts";

let emulator: Emulator;
let client: DynamoDBClient;

beforeAll(async () => {
  emulator = await startDynalite();
  client = dynamoClient(emulator.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

outboxContract("dynamodb", async () => {
  const { state } = await freshTables(client);
  return {
    outbox: createDynamoOutbox({ client, table: state }),
    clock: createFakeClock(),
    cleanup: async () => {},
  };
});
