// fauxqs as patched by fauxqs-fifo.ts, through the real SDK: a receive batches a FIFO group as SQS does,
// returned messages keep their sequence order, the redrive still dead-letters, and a fauxqs upgrade fails here.
import { readFileSync } from "node:fs";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, sqsClient, startFauxqs } from "./emulators.ts";
import { FAUXQS_WRITTEN_AGAINST, fauxqsShapeProblems, loadFauxqsQueueClass } from "./fauxqs-fifo.ts";

let fauxqs: Emulator;
let sqs: SQSClient;
let queues = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs();
  sqs = sqsClient(fauxqs.endpoint);
});
afterAll(async () => {
  sqs?.destroy();
  await fauxqs?.stop();
});

async function fifoQueue(attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `fifo-${++queues}-${Date.now()}.fifo`,
      Attributes: { FifoQueue: "true", VisibilityTimeout: "300", ...attributes },
    }),
  );
  return QueueUrl!;
}

async function send(queueUrl: string, group: string, ...ids: string[]): Promise<void> {
  for (const id of ids) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: id,
        MessageGroupId: group,
        MessageDeduplicationId: id,
      }),
    );
  }
}

async function receive(queueUrl: string, visibility?: number) {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibility }),
  );
  return out.Messages ?? [];
}

const bodies = (messages: Array<{ Body?: string }>) => messages.map((m) => m.Body);

describe("fauxqs FIFO as SQS batches it", () => {
  it("finds every field it relies on in the installed fauxqs, the version it was written against", async () => {
    expect(fauxqsShapeProblems(await loadFauxqsQueueClass())).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL("../../../../package.json", import.meta.url), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies.fauxqs).toBe(FAUXQS_WRITTEN_AGAINST);
  });

  it("hands out several messages of one group in one receive, groups in order, and locks the group", async () => {
    const q = await fifoQueue();
    await send(q, "chat-1", "m1", "m2");
    await send(q, "chat-2", "n1");
    expect(bodies(await receive(q))).toEqual(["m1", "m2", "n1"]);
    await send(q, "chat-1", "m3");
    expect(await receive(q)).toEqual([]);
  });

  it("stops at MaxNumberOfMessages in the middle of a group and gives the rest once the group is free", async () => {
    const q = await fifoQueue();
    await send(q, "g", "a", "b", "c");
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 2 }));
    expect(bodies(first.Messages ?? [])).toEqual(["a", "b"]);
    expect(await receive(q)).toEqual([]);
    for (const m of first.Messages ?? []) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: q,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(bodies(await receive(q))).toEqual(["a", "b", "c"]);
  });

  it("puts three in-flight messages whose visibility expired back in sequence order, before later ones", async () => {
    const q = await fifoQueue();
    await send(q, "g", "m1", "m2", "m3");
    expect(bodies(await receive(q, 0))).toEqual(["m1", "m2", "m3"]);
    await send(q, "g", "m4");
    const again = await receive(q);
    expect(bodies(again)).toEqual(["m1", "m2", "m3", "m4"]);
  });

  it("puts messages made visible again one by one back in sequence order", async () => {
    const q = await fifoQueue();
    await send(q, "g", "m1", "m2", "m3");
    const taken = await receive(q);
    for (const m of taken) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: q,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(bodies(await receive(q))).toEqual(["m1", "m2", "m3"]);
  });

  it("still moves a group's messages to the dead-letter queue after maxReceiveCount, in order", async () => {
    const dlq = await fifoQueue();
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }),
    );
    const q = await fifoQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 2 }),
    });
    await send(q, "g", "m1", "m2");
    expect(bodies(await receive(q, 0))).toEqual(["m1", "m2"]);
    expect(bodies(await receive(q, 0))).toEqual(["m1", "m2"]);
    expect(await receive(q)).toEqual([]);
    expect(bodies(await receive(dlq))).toEqual(["m1", "m2"]);
  });
});
