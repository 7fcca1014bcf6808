// Transcripts in the state table: one item per entry under pk transcript#<id>, sorted by a zero-padded
// sequence number; entries too large for an item (400 KB) go to S3 behind a pointer item.
import { setTimeout as delay } from "node:timers/promises";
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  UpdateItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { TranscriptEntry } from "../../core/transcript.ts";
import { isMissing } from "../s3/workspace.ts";
import { type Item, queryAll } from "./items.ts";
import { KEYS } from "./tables.ts";

/** Where entries too large for a DynamoDB item are kept. */
export interface TranscriptOffload {
  client: S3Client;
  bucket: string;
  /** Key prefix, e.g. "transcripts/". */
  prefix: string;
}

/** Options of createTranscripts (a subset of the session store's). */
export interface TranscriptsOptions {
  client: DynamoDBClient;
  table: string;
  s3?: TranscriptOffload;
  /** Entries whose JSON is longer than this many bytes go to S3 (default 350 KiB, under the 400 KB item cap). */
  inlineLimitBytes?: number;
}

const BATCH = 25; // BatchWriteItem's most requests per call

/** Append, load and delete transcripts; used by the DynamoDB SessionStore. */
export function createTranscripts(options: TranscriptsOptions) {
  const { client, table, s3 } = options;
  const limit = options.inlineLimitBytes ?? 350 * 1024;

  function sessionItems(sessionId: string, entriesOnly: boolean): Promise<Item[]> {
    return queryAll(client, {
      TableName: table,
      KeyConditionExpression: entriesOnly ? "pk = :pk AND begins_with(sk, :entry)" : "pk = :pk",
      ExpressionAttributeValues: {
        ":pk": { S: KEYS.transcriptPk(sessionId) },
        ...(entriesOnly ? { ":entry": { S: KEYS.entrySkPrefix } } : {}),
      },
      // Deleting needs only the keys and S3 pointers, not the (large) entry bodies.
      ProjectionExpression: entriesOnly ? undefined : "pk, sk, s3Key",
    });
  }

  /** Writes requests 25 at a time, resending what DynamoDB hands back as unprocessed. */
  async function batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH) {
      let pending = requests.slice(i, i + BATCH);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await delay(Math.min(1_000, 25 * 2 ** attempt));
        if (attempt > 8)
          throw new Error(`BatchWriteItem on ${table} left ${pending.length} items unprocessed.`);
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    }
  }

  async function readEntry(item: Item): Promise<TranscriptEntry | null> {
    let json = item["json"]?.S;
    const s3Key = item["s3Key"]?.S;
    if (json === undefined && s3Key !== undefined) {
      if (!s3) throw new Error(`Transcript entry ${s3Key} is in S3, but the store has no S3 configured.`);
      try {
        const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: s3Key }));
        json = await object.Body?.transformToString("utf-8");
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    try {
      return json === undefined ? null : (JSON.parse(json) as TranscriptEntry);
    } catch {
      return null;
    }
  }

  return {
    /**
     * One atomic ADD reserves a contiguous range of sequence numbers, so concurrent appenders never
     * collide or interleave; every item records its call's range, and load drops a call seen incomplete.
     */
    async append(sessionId: string, entries: TranscriptEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const pk = KEYS.transcriptPk(sessionId);
      const reserved = await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: KEYS.transcriptHeadSk } },
          UpdateExpression: "ADD seq :n",
          ExpressionAttributeValues: { ":n": { N: String(entries.length) } },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      const first = Number(reserved.Attributes?.["seq"]?.N) - entries.length + 1;
      const requests: WriteRequest[] = [];
      for (const [i, entry] of entries.entries()) {
        const seq = first + i;
        const json = JSON.stringify(entry);
        const item: Item = { pk: { S: pk }, sk: { S: KEYS.entrySk(seq) }, first: { N: String(first) } };
        item["n"] = { N: String(entries.length) };
        if (Buffer.byteLength(json, "utf8") <= limit) {
          item["json"] = { S: json };
        } else {
          if (!s3)
            throw new Error(`Transcript entry ${entry.id} is over ${limit} bytes and no S3 bucket is set.`);
          const key = `${s3.prefix}${sessionId}/${KEYS.entrySk(seq)}.json`;
          // The object lands before the pointer, so a pointer never names a missing object.
          await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: json }));
          item["s3Key"] = { S: key };
        }
        requests.push({ PutRequest: { Item: item } });
      }
      await batchWrite(requests);
    },

    async load(sessionId: string): Promise<TranscriptEntry[]> {
      const items = await sessionItems(sessionId, true);
      const read = await Promise.all(items.map(async (item) => ({ item, entry: await readEntry(item) })));
      const complete = new Map<string, number>();
      for (const { item, entry } of read) {
        const first = item["first"]?.N ?? "";
        if (entry) complete.set(first, (complete.get(first) ?? 0) + 1);
      }
      return read
        .filter(({ item, entry }) => entry && complete.get(item["first"]?.N ?? "") === Number(item["n"]?.N))
        .map(({ entry }) => entry as TranscriptEntry);
    },

    /** Deletes the transcripts and their S3 objects (objects first: a pointer to nothing is dropped on load). */
    async remove(sessionIds: string[]): Promise<void> {
      for (const sessionId of sessionIds) {
        const items = await sessionItems(sessionId, false);
        for (const item of items) {
          const key = item["s3Key"]?.S;
          if (key && s3) await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
        }
        await batchWrite(
          items.map((item) => ({ DeleteRequest: { Key: { pk: item["pk"]!, sk: item["sk"]! } } })),
        );
      }
    },
  };
}

/** The transcript operations the SessionStore delegates to. */
export type Transcripts = ReturnType<typeof createTranscripts>;
