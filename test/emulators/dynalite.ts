// DynamoDB on loopback for adapter tests: an in-memory dynalite on 127.0.0.1:0, plus fresh tables per test
// so tests in one file share the emulator without sharing state.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTables, type TableNames } from "../../src/adapters/dynamodb/tables.ts";

/** A running emulator. */
export interface Emulator {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  stop(): Promise<void>;
}

/** Static fake credentials: tests never read the developer's AWS environment. */
export const FAKE_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
} as const;

// dynalite ships no type declarations; this is the slice we use.
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)("dynalite") as DynaliteFactory;

/** Starts an in-memory dynalite on a random loopback port; tables become ACTIVE at once. */
export async function startDynalite(): Promise<Emulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets of SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** A DynamoDB client for the emulator, with fake credentials and no retries hiding failures. */
export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...FAKE_AWS, endpoint, maxAttempts: 1 });
}

/** Creates the adapter tables under unique names, so each test starts empty. */
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

export async function freshTables(client: DynamoDBClient): Promise<TableNames> {
  const names: TableNames = { state: `state-${randomUUID()}` };
  // dynalite does not implement UpdateTimeToLive; the TTL attribute is only for AWS's cleanup anyway.
  await createTables(client, names, { ttl: false });
  return names;
}
