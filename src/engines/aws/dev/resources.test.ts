// aws dev's resources in the emulators: a usable table and bucket, and an intake queue whose redrive
// moves a message to the FIFO dead-letter queue after maxReceiveCount receives.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoClaims } from "../../../adapters/dynamodb/claims.ts";
import { createFakeClock } from "../../../util/fake-clock.ts";
import { dynamoClient, type Emulator, s3Client, sqsClient, startDynalite, startFauxqs } from "./emulators.ts";
import { createDevResources } from "./resources.ts";

describe("createDevResources", () => {
  let emulators: Emulator[] = [];
  let clients: { dynamodb: DynamoDBClient; s3: S3Client; sqs: SQSClient };

  beforeAll(async () => {
    emulators = await Promise.all([startDynalite(), startFauxqs()]);
    const [dynamo, fauxqs] = emulators;
    clients = {
      dynamodb: dynamoClient(dynamo!.endpoint),
      s3: s3Client(fauxqs!.endpoint),
      sqs: sqsClient(fauxqs!.endpoint),
    };
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all(emulators.map((e) => e.stop()));
  });

  it("creates a table and a bucket that take writes, under fresh names each time", async () => {
    const options = { maxReceiveCount: 4, visibilitySeconds: 30 };
    const [one, two] = await Promise.all([
      createDevResources(clients, options),
      createDevResources(clients, options),
    ]);
    expect(one.table).not.toBe(two.table);
    expect(one.queueUrl).toMatch(/-intake\.fifo$/);
    expect(one.deadLetterQueueUrl).toMatch(/-dead-letter\.fifo$/);

    const claims = createDynamoClaims({
      client: clients.dynamodb,
      table: one.table,
      clock: createFakeClock(),
    });
    expect(await claims.claimOnce("k", 1000)).toBe(true);
    await clients.s3.send(new PutObjectCommand({ Bucket: one.bucket, Key: "a.txt", Body: "hi" }));
    const got = await clients.s3.send(new GetObjectCommand({ Bucket: one.bucket, Key: "a.txt" }));
    expect(await got.Body?.transformToString()).toBe("hi");
  });

  it("moves a message received maxReceiveCount times to the dead-letter queue", async () => {
    const { queueUrl, deadLetterQueueUrl } = await createDevResources(clients, {
      maxReceiveCount: 2,
      visibilitySeconds: 30,
    });
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["VisibilityTimeout", "FifoQueue"],
      }),
    );
    expect(Attributes).toMatchObject({ VisibilityTimeout: "30", FifoQueue: "true" });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "doomed",
        MessageGroupId: "chat-1",
        MessageDeduplicationId: "telegram:default:1",
      }),
    );
    const receive = (url: string) =>
      clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ["All"],
        }),
      );
    for (const attempt of [1, 2]) {
      const { Messages = [] } = await receive(queueUrl);
      expect(Messages.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
        ["doomed", String(attempt)],
      ]);
      // A failed invocation: the message is not deleted and becomes visible again.
      await clients.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: Messages[0]!.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect((await receive(queueUrl)).Messages ?? []).toEqual([]);
    const dead = (await receive(deadLetterQueueUrl)).Messages ?? [];
    expect(dead.map((m) => [m.Body, m.Attributes?.MessageGroupId])).toEqual([["doomed", "chat-1"]]);
  });
});
