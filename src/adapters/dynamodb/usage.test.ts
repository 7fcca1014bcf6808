// DynamoDB usage ledger: the shared contract against dynalite on loopback, two clients of one table.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("a report over many days", () => {
  it("queries the days a few at a time and still returns every record in order", async () => {
    const { state } = await freshTables(dynalite.client);
    const client = dynamoClient(dynalite.endpoint);
    let inFlight = 0;
    let most = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        most = Math.max(most, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: "initialize", name: "countInFlight" },
    );
    try {
      const usage = createDynamoUsage({ client, table: state });
      const day = 86_400_000;
      const record = (at: number) => ({
        at,
        sessionKey: "main",
        model: "anthropic/claude-sonnet-4-5",
        kind: "turn" as const,
        inputTokens: 10,
        outputTokens: 2,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
      const from = Date.UTC(2026, 0, 1);
      for (const d of [0, 17, 200, 365]) await usage.record(record(from + d * day + 1000));
      most = 0;
      const listed = await usage.list(from, from + 366 * day);
      expect(listed.map((r) => (r.at - from - 1000) / day)).toEqual([0, 17, 200, 365]);
      // 366 day partitions; the SDK holds 50 sockets and warns past them.
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(16);
    } finally {
      client.destroy();
    }
  });
});
