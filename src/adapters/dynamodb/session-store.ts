// SessionStore on DynamoDB: the session index as one partition of the state table (pk "sessions",
// sk = session key) and transcripts as items per entry (transcripts.ts), large ones in S3.
import { randomUUID } from "node:crypto";
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { TokenUsage } from "../../core/transcript.ts";
import type { Clock } from "../../ports/clock.ts";
import type { SessionMeta, SessionStore } from "../../ports/session-store.ts";
import { isConditionFailed } from "./items.ts";
import { KEYS } from "./tables.ts";
import { createTranscripts, type TranscriptOffload } from "./transcripts.ts";

/** Options of createDynamoSessionStore. */
export interface DynamoSessionStoreOptions {
  client: DynamoDBClient;
  /** Name of the state table (see tables.ts). */
  table: string;
  clock: Clock;
  /** Where transcript entries too large for a DynamoDB item go; without it such an append throws. */
  s3?: TranscriptOffload;
  /** New transcript ids (default: random UUIDs). */
  newId?: () => string;
  /** Entries whose JSON is longer than this go to S3 (default 350 KiB); lets tests use small entries. */
  inlineLimitBytes?: number;
}

type Item = Record<string, AttributeValue>;
const num = (value: number): AttributeValue => ({ N: String(value) });
const readNum = (item: Item, name: string) => Number(item[name]?.N ?? 0);

function toMeta(item: Item): SessionMeta {
  return {
    key: item["sk"]?.S ?? "",
    sessionId: item["sessionId"]?.S ?? "",
    createdAt: readNum(item, "createdAt"),
    updatedAt: readNum(item, "updatedAt"),
    turns: readNum(item, "turns"),
    usage: { inputTokens: readNum(item, "inputTokens"), outputTokens: readNum(item, "outputTokens") },
  };
}

/** Every transcript id a session item names: the current one and those a reset left behind. */
const transcriptIds = (item: Item) => [
  item["sessionId"]?.S ?? "",
  ...(item["previous"]?.L ?? []).flatMap((v) => (v.S ? [v.S] : [])),
];

/**
 * The aws engine's SessionStore. `list` reads the one index partition (a paginated Query) and sorts by
 * updatedAt: every session is returned anyway, so a GSI on updatedAt would buy nothing.
 */
export function createDynamoSessionStore(options: DynamoSessionStoreOptions): SessionStore {
  const { client, table, clock } = options;
  const newId = options.newId ?? randomUUID;
  const transcripts = createTranscripts(options);
  const keyOf = (key: string) => {
    const k = KEYS.session(key);
    return { pk: { S: k.pk }, sk: { S: k.sk } };
  };

  async function getItem(key: string): Promise<Item | null> {
    const out = await client.send(
      new GetItemCommand({ TableName: table, Key: keyOf(key), ConsistentRead: true }),
    );
    return out.Item ?? null;
  }

  /** An UpdateItem that answers null when its condition fails. */
  async function update(input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], "TableName">) {
    try {
      const out = await client.send(
        new UpdateItemCommand({ ...input, TableName: table, ReturnValues: "ALL_NEW" }),
      );
      return out.Attributes ? toMeta(out.Attributes) : null;
    } catch (err) {
      if (isConditionFailed(err)) return null;
      throw err;
    }
  }

  const store: SessionStore = {
    async open(key) {
      for (;;) {
        const existing = await getItem(key);
        if (existing) return toMeta(existing);
        const now = clock.now();
        const item: Item = {
          ...keyOf(key),
          sessionId: { S: newId() },
          createdAt: num(now),
          updatedAt: num(now),
          turns: num(0),
          inputTokens: num(0),
          outputTokens: num(0),
        };
        try {
          await client.send(
            new PutItemCommand({
              TableName: table,
              Item: item,
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          );
          return toMeta(item);
        } catch (err) {
          // Another open won the race: loop to read its session back.
          if (!isConditionFailed(err)) throw err;
        }
      }
    },

    async get(key) {
      const item = await getItem(key);
      return item ? toMeta(item) : null;
    },

    async list() {
      const sessions: SessionMeta[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": { S: KEYS.sessionIndexPk } },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) sessions.push(toMeta(item));
        start = page.LastEvaluatedKey;
      } while (start);
      // Ties go to the newer session, as the SQLite adapter's rowid order does.
      return sessions.sort(
        (a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt || (a.key < b.key ? -1 : 1),
      );
    },

    recordTurn(key, usage: TokenUsage) {
      return update({
        Key: keyOf(key),
        UpdateExpression: "SET updatedAt = :now ADD turns :one, inputTokens :in, outputTokens :out",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: {
          ":now": num(clock.now()),
          ":one": num(1),
          ":in": num(usage.inputTokens),
          ":out": num(usage.outputTokens),
        },
      });
    },

    async reset(key, opts) {
      for (;;) {
        const item = await getItem(key);
        if (!item) return null;
        const current = { ":current": { S: item["sessionId"]?.S ?? "" } };
        if (opts?.forget) {
          await transcripts.remove(transcriptIds(item));
          try {
            // Only if no reset slipped in meanwhile; otherwise go round again and remove its transcript too.
            await client.send(
              new DeleteItemCommand({
                TableName: table,
                Key: keyOf(key),
                ConditionExpression: "sessionId = :current",
                ExpressionAttributeValues: current,
              }),
            );
            return null;
          } catch (err) {
            if (!isConditionFailed(err)) throw err;
            continue;
          }
        }
        const fresh = await update({
          Key: keyOf(key),
          UpdateExpression:
            "SET sessionId = :fresh, turns = :zero, inputTokens = :zero, outputTokens = :zero, " +
            "createdAt = :now, updatedAt = :now, " +
            "previous = list_append(if_not_exists(previous, :none), :old), " +
            "previousAt = list_append(if_not_exists(previousAt, :none), :oldAt)",
          ConditionExpression: "sessionId = :current",
          ExpressionAttributeValues: {
            ...current,
            ":fresh": { S: newId() },
            ":zero": num(0),
            ":now": num(clock.now()),
            ":none": { L: [] },
            ":old": { L: [current[":current"]] },
            ":oldAt": { L: [num(clock.now())] },
          },
        });
        if (fresh) return fresh;
      }
    },

    async history(key) {
      const item = await getItem(key);
      if (!item) return [];
      const ids = transcriptIds(item).slice(1);
      // previousAt came later than previous: an older item's first resets have no time.
      const times = (item["previousAt"]?.L ?? []).map((v) => Number(v.N));
      const offset = ids.length - times.length;
      return ids.map((sessionId, i) => ({
        sessionId,
        ...(i >= offset && { endedAt: times[i - offset]! }),
      }));
    },

    // DynamoDB acknowledges a write once it is durable: every append is synced, and sync has nothing to do.
    append: (sessionId, entries) => transcripts.append(sessionId, entries),
    sync: async () => {},
    load: (sessionId) => transcripts.load(sessionId),
  };
  return store;
}
