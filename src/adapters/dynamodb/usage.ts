// The usage ledger on DynamoDB: one item per model call in the state table, partitioned by UTC day
// (pk usage#<day>, sk <at>#<id>), so a range is one consistent Query per day it touches.
import { randomUUID } from "node:crypto";
import { type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  addUsage,
  EMPTY_TOTALS,
  type UsageKind,
  type UsageLedger,
  type UsageRecord,
} from "../../ports/usage.ts";
import { type Item, n, queryAll, s } from "./items.ts";
import { KEYS } from "./tables.ts";

export interface DynamoUsageOptions {
  client: DynamoDBClient;
  table: string;
}

const DAY_MS = 86_400_000;
const DAYS_AT_ONCE = 16;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Orders one process's records within a millisecond (a turn's calls under a fake clock) as written. */
let written = 0;

export function createDynamoUsage({ client, table }: DynamoUsageOptions): UsageLedger {
  const list = async (from: number, to: number): Promise<UsageRecord[]> => {
    if (to <= from) return [];
    const days: string[] = [];
    for (let day = Math.floor(from / DAY_MS); day <= Math.floor((to - 1) / DAY_MS); day++) {
      days.push(utcDay(day * DAY_MS));
    }
    const query = (day: string) =>
      queryAll(client, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues: {
          ":pk": s(KEYS.usagePk(day)),
          // "~" sorts after the id part, so the last millisecond's records are inside the range.
          ":lo": s(KEYS.usageSk(from, "")),
          ":hi": s(KEYS.usageSk(to - 1, "~")),
        },
      });
    // A year's report is 366 queries: a few at a time, below the SDK's 50 sockets (past them it queues
    // requests and warns on stderr).
    const pages: Item[][] = [];
    for (let i = 0; i < days.length; i += DAYS_AT_ONCE) {
      pages.push(...(await Promise.all(days.slice(i, i + DAYS_AT_ONCE).map(query))));
    }
    return pages.flat().map(fromItem);
  };
  return {
    async record(r) {
      const item: Item = {
        pk: s(KEYS.usagePk(utcDay(r.at))),
        sk: s(KEYS.usageSk(r.at, `${String(++written).padStart(12, "0")}-${randomUUID()}`)),
        at: n(r.at),
        sessionKey: s(r.sessionKey),
        model: s(r.model),
        kind: s(r.kind),
        inputTokens: n(r.inputTokens),
        outputTokens: n(r.outputTokens),
        cacheReadTokens: n(r.cacheReadTokens),
        cacheWriteTokens: n(r.cacheWriteTokens),
        ...(r.costUsd !== undefined && { costUsd: n(r.costUsd) }),
      };
      await client.send(new PutItemCommand({ TableName: table, Item: item }));
    },
    list,
    async total(from, to) {
      return (await list(from, to)).reduce(addUsage, EMPTY_TOTALS);
    },
  };
}

function fromItem(item: Item): UsageRecord {
  const num = (name: string) => Number(item[name]?.N ?? 0);
  return {
    at: num("at"),
    sessionKey: item["sessionKey"]?.S ?? "",
    model: item["model"]?.S ?? "",
    kind: (item["kind"]?.S ?? "turn") as UsageKind,
    inputTokens: num("inputTokens"),
    outputTokens: num("outputTokens"),
    cacheReadTokens: num("cacheReadTokens"),
    cacheWriteTokens: num("cacheWriteTokens"),
    ...(item["costUsd"]?.N !== undefined && { costUsd: num("costUsd") }),
  };
}
