// Values on DynamoDB: one item per key in the state table (pk value#<key>), read consistently so a
// Lambda sees what another wrote just before. Expiry is judged by the injected Clock; DynamoDB's TTL
// deletes expired items later.
import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { Clock } from "../../ports/clock.ts";
import type { Values } from "../../ports/values.ts";
import { type Item, n, putIfFree, s, ttlSeconds } from "./items.ts";
import { KEYS, STATE_TABLE } from "./tables.ts";

export interface DynamoValuesOptions {
  client: DynamoDBClient;
  table: string;
  clock: Clock;
}

export function createDynamoValues({ client, table, clock }: DynamoValuesOptions): Values {
  const itemKey = (key: string) => ({ pk: s(KEYS.value(key).pk), sk: s(KEYS.value(key).sk) });
  return {
    async get<T>(key: string) {
      const { Item: item } = await client.send(
        new GetItemCommand({ TableName: table, Key: itemKey(key), ConsistentRead: true }),
      );
      if (!item || expired(item, clock.now())) return undefined;
      return JSON.parse(item["body"]!.S!) as T;
    },
    async put(key, value, options = {}) {
      const until = options.ttlMs === undefined ? undefined : clock.now() + options.ttlMs;
      const item: Item = { ...itemKey(key), body: s(JSON.stringify(value)) };
      if (until !== undefined)
        Object.assign(item, { until: n(until), [STATE_TABLE.ttlAttribute]: ttlSeconds(until) });
      await client.send(new PutItemCommand({ TableName: table, Item: item }));
    },
    async putIfAbsent(key, value, options = {}) {
      const now = clock.now();
      const until = options.ttlMs === undefined ? undefined : now + options.ttlMs;
      // The token tells our own landed write from a rival's when the SDK retried the put.
      const item: Item = { ...itemKey(key), body: s(JSON.stringify(value)), token: s(randomUUID()) };
      if (until !== undefined)
        Object.assign(item, { until: n(until), [STATE_TABLE.ttlAttribute]: ttlSeconds(until) });
      return (await putIfFree(client, table, item, now)).won;
    },
    async remove(key) {
      await client.send(new DeleteItemCommand({ TableName: table, Key: itemKey(key) }));
    },
  };
}

/** An item lives for [put, until): at `until` it has expired, as in the SQLite adapter. */
function expired(item: Item, now: number): boolean {
  const until = item["until"]?.N;
  return until !== undefined && Number(until) <= now;
}
