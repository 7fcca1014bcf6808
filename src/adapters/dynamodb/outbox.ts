// The outbox on DynamoDB: a conditional put makes the first outcome the only one; a marker item in
// one partition lists what is still undelivered (single writes only: the emulator has no transactions).
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import { isConditionFailed, type Item, n, s } from "./items.ts";
import { KEYS } from "./tables.ts";

export interface DynamoOutboxOptions {
  client: DynamoDBClient;
  table: string;
}

function toRecord(item: Item | undefined): OutboxRecord | null {
  if (!item) return null;
  const record: OutboxRecord = JSON.parse(item["record"]!.S!);
  if (item["deliveredAt"]?.N) record.deliveredAt = Number(item["deliveredAt"].N);
  return record;
}

export function createDynamoOutbox({ client, table }: DynamoOutboxOptions): Outbox {
  const get = async (key: string) =>
    toRecord(
      (await client.send(new GetItemCommand({ TableName: table, Key: itemKey(key), ConsistentRead: true })))
        .Item,
    );
  const itemKey = (key: string) => ({ pk: s(KEYS.outbox(key).pk), sk: s(KEYS.outbox(key).sk) });
  const markerKey = (record: OutboxRecord) => ({
    pk: s(KEYS.outboxPendingPk),
    sk: s(KEYS.outboxPendingSk(record.createdAt, record.key)),
  });

  return {
    async put(record) {
      const { deliveredAt: _, ...clean } = record;
      // Marker first: a crash after it leaves a marker that undelivered() checks against the record.
      await client.send(
        new PutItemCommand({ TableName: table, Item: { ...markerKey(record), key: s(record.key) } }),
      );
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...itemKey(record.key), record: s(JSON.stringify(clean)) },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return clean;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        const stored = (await get(record.key))!;
        if (stored.createdAt !== record.createdAt) {
          await client.send(new DeleteItemCommand({ TableName: table, Key: markerKey(record) }));
        }
        return stored;
      }
    },

    get,

    async markDelivered(key, at) {
      const record = await get(key);
      if (!record || record.deliveredAt !== undefined) return;
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: itemKey(key),
            UpdateExpression: "SET deliveredAt = :at",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(deliveredAt)",
            ExpressionAttributeValues: { ":at": n(at) },
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
      await client.send(new DeleteItemCommand({ TableName: table, Key: markerKey(record) }));
    },

    async undelivered(limit) {
      const out: OutboxRecord[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": s(KEYS.outboxPendingPk) },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        );
        for (const marker of page.Items ?? []) {
          const record = await get(marker["key"]!.S!);
          // A marker without a record (crash mid-put) or for a delivered one is stale: skip it.
          if (record && record.deliveredAt === undefined) out.push(record);
          if (out.length >= limit) return out;
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}
