// SessionStore on DynamoDB: the shared contract against dynalite (+ fauxqs's S3) on loopback, plus the
// DynamoDB-specific parts: S3 offload, concurrent appenders, torn appends, Query pagination, forget.
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, type Emulator, freshTables, startDynalite } from "../../../test/emulators/dynalite.ts";
import { freshBucket, s3Client, startFauxqs } from "../../../test/emulators/fauxqs.ts";
import { isMessageEntry, type MessageEntry, type TranscriptEntry } from "../../core/transcript.ts";
import { sessionStoreContract } from "../../ports/session-store.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoSessionStore, type DynamoSessionStoreOptions } from "./session-store.ts";

let dynamo: Emulator;
let fauxqs: Emulator;
let client: DynamoDBClient;
let s3: S3Client;

beforeAll(async () => {
  [dynamo, fauxqs] = await Promise.all([startDynalite(), startFauxqs()]);
  client = dynamoClient(dynamo.endpoint);
  s3 = s3Client(fauxqs.endpoint);
});
afterAll(async () => {
  client?.destroy();
  s3?.destroy();
  await Promise.all([dynamo?.stop(), fauxqs?.stop()]);
});

async function harness(extra: Partial<DynamoSessionStoreOptions> = {}) {
  const [{ state }, bucket] = await Promise.all([freshTables(client), freshBucket(s3)]);
  const clock = createFakeClock();
  const s3Options = { client: s3, bucket, prefix: "transcripts/" };
  const store = createDynamoSessionStore({ client, table: state, clock, s3: s3Options, ...extra });
  return { store, clock, table: state, bucket, cleanup: async () => {} };
}

sessionStoreContract("dynamodb", () => harness());

const entry = (id: string, text: string): TranscriptEntry => ({
  type: "message",
  id,
  at: 0,
  message: { role: "user", content: text },
});

describe("DynamoDB session store", () => {
  it("keeps an entry over the item limit in S3, loads it back, and forget deletes the object", async () => {
    const { store, table, bucket } = await harness();
    const s = await store.open("k");
    const huge = "y".repeat(400_000);
    await store.append(s.sessionId, [entry("small", "a"), entry("huge", huge), entry("after", "b")]);
    const loaded = await store.load(s.sessionId);
    expect(loaded.map((e) => e.id)).toEqual(["small", "huge", "after"]);
    expect((loaded[1] as MessageEntry | undefined)?.message.content).toBe(huge);
    const pointer = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: `transcript#${s.sessionId}` }, sk: { S: "entry#000000000002" } },
      }),
    );
    const s3Key = pointer.Item?.["s3Key"]?.S;
    expect(s3Key).toBe(`transcripts/${s.sessionId}/entry#000000000002.json`);
    expect(pointer.Item?.["json"]).toBeUndefined();
    await store.reset("k", { forget: true });
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: s3Key! }))).rejects.toMatchObject({
      name: "NotFound",
    });
    expect(await store.load(s.sessionId)).toEqual([]);
  });

  it("refuses an oversized entry without S3 and leaves the transcript usable", async () => {
    const { store } = await harness({ s3: undefined, inlineLimitBytes: 1_000 });
    const s = await store.open("k");
    await store.append(s.sessionId, [entry("1", "ok")]);
    await expect(store.append(s.sessionId, [entry("2", "z".repeat(2_000))])).rejects.toThrow(/no S3 bucket/);
    await store.append(s.sessionId, [entry("3", "ok")]);
    expect((await store.load(s.sessionId)).map((e) => e.id)).toEqual(["1", "3"]);
  });

  it("never lets concurrent appenders overwrite or interleave each other", async () => {
    const { store } = await harness();
    const s = await store.open("k");
    const calls = Array.from({ length: 10 }, (_, c) => [0, 1, 2].map((i) => entry(`${c}.${i}`, "x")));
    await Promise.all(calls.map((entries) => store.append(s.sessionId, entries)));
    const ids = (await store.load(s.sessionId)).map((e) => e.id);
    expect(ids).toHaveLength(30);
    for (let i = 0; i < 30; i += 3) {
      const call = ids[i]!.split(".")[0];
      expect(ids.slice(i, i + 3)).toEqual([`${call}.0`, `${call}.1`, `${call}.2`]);
    }
  });

  it("drops the whole of an append that failed halfway, keeping earlier and later calls", async () => {
    const { table, clock } = await harness();
    const failing = dynamoClient(dynamo.endpoint);
    let batches = 0;
    // The torn call's second BatchWriteItem never arrives, as if the process died between the two.
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "BatchWriteItemCommand" && ++batches === 3) throw new Error("crash");
        return next(args);
      },
      { step: "initialize" },
    );
    const store = createDynamoSessionStore({ client: failing, table, clock });
    try {
      await store.append("t", [entry("before", "x")]);
      const big = Array.from({ length: 30 }, (_, i) => entry(`torn${i}`, "x"));
      await expect(store.append("t", big)).rejects.toThrow("crash");
      await store.append("t", [entry("after", "x")]);
      expect((await store.load("t")).map((e) => e.id)).toEqual(["before", "after"]);
    } finally {
      failing.destroy();
    }
  });

  it("loads transcripts that span several Query pages (1 MB each)", async () => {
    const { store } = await harness();
    const s = await store.open("k");
    const texts = ["a", "b", "c", "d", "e"].map((c) => c.repeat(300_000));
    for (const [i, text] of texts.entries()) await store.append(s.sessionId, [entry(String(i), text)]);
    const loaded = await store.load(s.sessionId);
    expect(loaded.filter(isMessageEntry).map((e) => e.message.content)).toEqual(texts);
  });

  it("keeps the old transcript on reset, and forget removes old and current ones", async () => {
    const { store, clock } = await harness();
    const first = await store.open("k");
    await store.append(first.sessionId, [entry("old", "x")]);
    await clock.advance(5_000);
    const second = await store.reset("k");
    // A new transcript starts the session afresh, as in the SQLite adapter.
    expect(second).toMatchObject({ createdAt: clock.now(), updatedAt: clock.now() });
    await store.append(second!.sessionId, [entry("new", "y")]);
    expect((await store.load(first.sessionId)).map((e) => e.id)).toEqual(["old"]);
    const third = await store.reset("k");
    expect(third?.sessionId).not.toBe(second?.sessionId);
    await store.reset("k", { forget: true });
    expect(await store.load(first.sessionId)).toEqual([]);
    expect(await store.load(second!.sessionId)).toEqual([]);
    expect(await store.list()).toEqual([]);
  });
});
