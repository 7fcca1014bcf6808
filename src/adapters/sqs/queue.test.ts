// The SQS queue: the shared contract against fauxqs's SQS FIFO on loopback, with claims in dynalite (the
// wiring the aws engine uses), plus SQS-specific checks. Visibility is server-side, so `pass` really waits.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, type Emulator, freshTables, startDynalite } from "../../../test/emulators/dynalite.ts";
import { freshFifoQueue, sqsClient, startFauxqs } from "../../../test/emulators/fauxqs.ts";
import type { Claims } from "../../ports/claims.ts";
import { queueContract } from "../../ports/queue.contract.ts";
import type { Queue, QueueDelivery } from "../../ports/queue.ts";
import { createSystemClock } from "../../util/system-clock.ts";
import { createDynamoClaims } from "../dynamodb/claims.ts";
import { createSqsQueue, sqsId } from "./queue.ts";

let dynamo: Emulator;
let fauxqs: Emulator;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  [dynamo, fauxqs] = await Promise.all([startDynalite(), startFauxqs()]);
  dynamodb = dynamoClient(dynamo.endpoint);
  sqs = sqsClient(fauxqs.endpoint);
});
afterAll(async () => {
  dynamodb?.destroy();
  sqs?.destroy();
  await Promise.all([dynamo?.stop(), fauxqs?.stop()]);
});

async function fresh() {
  const [{ state }, queueUrl] = await Promise.all([freshTables(dynamodb), freshFifoQueue(sqs)]);
  const claims = createDynamoClaims({ client: dynamodb, table: state, clock: createSystemClock() });
  return { queueUrl, claims, queue: createSqsQueue({ client: sqs, queueUrl, claims }) };
}

queueContract("sqs", async () => ({
  queue: (await fresh()).queue,
  pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  cleanup: async () => {},
}));

const receiveAll = async (queue: Queue): Promise<QueueDelivery[]> => {
  const got: QueueDelivery[] = [];
  for (;;) {
    const batch = await queue.receive({ max: 10, visibilityMs: 30_000 });
    if (batch.length === 0) return got;
    for (const d of batch) await queue.ack(d);
    got.push(...batch);
  }
};

describe("SQS queue", () => {
  it("carries ids SQS would refuse (long, spaces, non-ASCII), hashed on the wire, whole in the delivery", async () => {
    const { queue } = await fresh();
    const group = `agent:main:telegram:dm:${"ü".repeat(150)}`;
    const dedupeId = `telegram bot1 update ${"9".repeat(200)}`;
    expect(sqsId(dedupeId)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sqsId("telegram:bot1:update:7")).toBe("telegram:bot1:update:7");
    expect(await queue.enqueue({ group, dedupeId, body: { text: "\ufffe ok" } })).toBe(true);
    expect(await queue.enqueue({ group, dedupeId, body: "again" })).toBe(false);
    const got = await receiveAll(queue);
    expect(got).toEqual([
      expect.objectContaining({ group, dedupeId, body: { text: "\ufffe ok" }, attempts: 1 }),
    ]);
  });

  it("answers false to a duplicate sent through another instance (another Lambda)", async () => {
    const { queueUrl, claims, queue } = await fresh();
    const other = createSqsQueue({ client: sqs, queueUrl, claims });
    expect(await queue.enqueue({ group: "g", dedupeId: "u1", body: 1 })).toBe(true);
    expect(await other.enqueue({ group: "g", dedupeId: "u1", body: 2 })).toBe(false);
    expect((await receiveAll(queue)).map((d) => d.body)).toEqual([1]);
  });

  it("recovers from a failed claim write: the retry answers true and the message comes once", async () => {
    const { queueUrl, claims } = await fresh();
    let failures = 1;
    const flaky: Claims = {
      ...claims,
      claimOnce: (key, ttl) =>
        failures-- > 0 ? Promise.reject(new Error("dynamodb down")) : claims.claimOnce(key, ttl),
    };
    const queue = createSqsQueue({ client: sqs, queueUrl, claims: flaky });
    await expect(queue.enqueue({ group: "g", dedupeId: "m", body: "once" })).rejects.toThrow("dynamodb down");
    expect(await queue.enqueue({ group: "g", dedupeId: "m", body: "once" })).toBe(true);
    expect((await receiveAll(queue)).map((d) => d.body)).toEqual(["once"]);
  });

  it("delivers a message sent by another tool raw, with the group from SQS", async () => {
    const { queueUrl, queue } = await fresh();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "not json",
        MessageGroupId: "g",
        MessageDeduplicationId: "x",
      }),
    );
    const [d] = await queue.receive({ max: 1, visibilityMs: 1_000 });
    expect(d).toMatchObject({ group: "g", dedupeId: "x", body: "not json", attempts: 1 });
    await queue.ack(d!);
    await queue.retry(d!, 0); // a stale receipt is not an error here either
    expect(await queue.receive({ max: 1, visibilityMs: 1_000 })).toEqual([]);
  });
});
