// DynamoDB on loopback for adapter tests: the emulator comes from src/engines/aws/dev/emulators.ts (aws dev
// uses the same one); fresh tables per test, so tests in one file share the emulator without sharing state.
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { createTables, type TableNames } from "../../src/adapters/dynamodb/tables.ts";
import { dynamoClient, type Emulator, startDynalite } from "../../src/engines/aws/dev/emulators.ts";

export { dynamoClient, type Emulator, startDynalite };
export { FAKE_AWS } from "../../src/engines/aws/dev/emulators.ts";

/**
 * A client that sends every PutItem twice, as the SDK does when the first response is lost on the way
 * back: the second attempt meets the first one's item.
 */
export function putsTwiceClient(endpoint: string): DynamoDBClient {
  const client = dynamoClient(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "PutItemCommand") await next(args);
      return next(args);
    },
    { step: "finalizeRequest" },
  );
  return client;
}

/** Creates the adapter tables under unique names, so each test starts empty. */
export async function freshTables(client: DynamoDBClient): Promise<TableNames> {
  const names: TableNames = { state: `state-${randomUUID()}` };
  // dynalite does not implement UpdateTimeToLive; the TTL attribute is only for AWS's cleanup anyway.
  await createTables(client, names, { ttl: false });
  return names;
}

/** One dynalite for the test file (started in beforeAll, stopped in afterAll) and a client of it. */
export function useDynalite(): { readonly client: DynamoDBClient; readonly endpoint: string } {
  let emulator: Emulator | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    emulator = await startDynalite();
    client = dynamoClient(emulator.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useDynalite: the emulator starts in beforeAll");
    return value;
  };
  return {
    get client() {
      return started(client);
    },
    get endpoint() {
      return started(emulator).endpoint;
    },
  };
}
