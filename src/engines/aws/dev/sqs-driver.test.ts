// The SQS driver against fauxqs: real FIFO event shapes, a group's messages in one batch, deletes only what was
// settled, partial batch failures and failed or killed invocations left to the visibility timeout and the redrive.
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, type Emulator, s3Client, sqsClient, startDynalite, startFauxqs } from "./emulators.ts";
import { createDevResources, type DevResources } from "./resources.ts";
import { type InvocationReport, type SqsDriver, startSqsDriver } from "./sqs-driver.ts";

const body = (event: SQSEvent) => event.Records.map((r) => r.body);

describe("startSqsDriver", () => {
  let emulators: Emulator[] = [];
  let sqs: SQSClient;
  let clients: Parameters<typeof createDevResources>[0];
  let driver: SqsDriver | undefined;

  beforeAll(async () => {
    emulators = await Promise.all([startDynalite(), startFauxqs()]);
    sqs = sqsClient(emulators[1]!.endpoint);
    clients = { dynamodb: dynamoClient(emulators[0]!.endpoint), s3: s3Client(emulators[1]!.endpoint), sqs };
  });
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all(emulators.map((e) => e.stop()));
  });

  async function queue(maxReceiveCount = 3): Promise<DevResources & { arn: string }> {
    const resources = await createDevResources(clients, { maxReceiveCount, visibilitySeconds: 1 });
    const arn = resources.deadLetterQueueArn.replace(/-dead-letter\.fifo$/, "-intake.fifo");
    return { ...resources, arn };
  }

  async function send(queueUrl: string, group: string, id: string): Promise<void> {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: id,
        MessageGroupId: group,
        MessageDeduplicationId: id,
      }),
    );
  }

  function drive(
    q: DevResources & { arn: string },
    invoke: (event: SQSEvent, signal: AbortSignal) => Promise<unknown>,
    options: { batchSize?: number; maxConcurrency?: number } = {},
  ): InvocationReport[] {
    const reports: InvocationReport[] = [];
    driver = startSqsDriver({
      sqs,
      queueUrl: q.queueUrl,
      queueArn: q.arn,
      region: "us-east-1",
      invoke,
      onInvocation: (report) => reports.push(report),
      ...options,
    });
    return reports;
  }

  it("invokes with Lambda's SQS record shape and deletes a settled batch", async () => {
    const q = await queue();
    await send(q.queueUrl, "chat-1", "telegram:default:1");
    await send(q.queueUrl, "chat-2", "telegram:default:2");
    const events: SQSEvent[] = [];
    drive(q, async (event) => {
      events.push(event);
      return { batchItemFailures: [] };
    });
    await driver!.idle();
    const records = events.flatMap((e) => e.Records);
    expect(records.map((r) => r.body).sort()).toEqual(["telegram:default:1", "telegram:default:2"]);
    expect(records[0]).toMatchObject({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      md5OfBody: expect.any(String),
      eventSource: "aws:sqs",
      eventSourceARN: q.arn,
      awsRegion: "us-east-1",
      messageAttributes: {},
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: expect.stringMatching(/^\d+$/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        MessageGroupId: expect.stringMatching(/^chat-[12]$/),
        MessageDeduplicationId: expect.stringMatching(/^telegram:default:[12]$/),
        SequenceNumber: expect.stringMatching(/^\d+$/),
      },
    });
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl }));
    expect(left.Messages ?? []).toEqual([]);
  });

  it("keeps reported failures for a later batch and deletes the rest", async () => {
    const q = await queue();
    await send(q.queueUrl, "a", "a1");
    await send(q.queueUrl, "b", "b1");
    const seen: Array<[string, string]> = [];
    const reports = drive(q, async (event) => {
      for (const r of event.Records) seen.push([r.body, r.attributes.ApproximateReceiveCount]);
      const failing = event.Records.filter(
        (r) => r.body === "a1" && r.attributes.ApproximateReceiveCount === "1",
      );
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await driver!.idle();
    expect(seen.sort()).toEqual([
      ["a1", "1"],
      ["a1", "2"],
      ["b1", "1"],
    ]);
    expect(reports.map((r) => r.outcome)).toContain("partial");
  });

  it("batches a group's messages together, and items failed with the rest of their group come back in order", async () => {
    const q = await queue(5);
    await send(q.queueUrl, "a", "a1");
    await send(q.queueUrl, "a", "a2");
    await send(q.queueUrl, "a", "a3");
    const batches: Array<Array<[string, string]>> = [];
    drive(q, async (event) => {
      batches.push(event.Records.map((r) => [r.body, r.attributes.ApproximateReceiveCount]));
      // As processDeliveries does: the failed item and the later items of its group.
      const failing = event.Records.filter(
        (r) => r.attributes.ApproximateReceiveCount === "1" && r.body !== "a1",
      );
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await driver!.idle();
    expect(batches).toEqual([
      [
        ["a1", "1"],
        ["a2", "1"],
        ["a3", "1"],
      ],
      [
        ["a2", "2"],
        ["a3", "2"],
      ],
    ]);
  });

  it("fails the whole batch for an identifier not in it, and after maxReceiveCount the redrive dead-letters it", async () => {
    const q = await queue(2);
    await send(q.queueUrl, "a", "a1");
    const reports = drive(q, async () => ({ batchItemFailures: [{ itemIdentifier: "not-in-the-batch" }] }));
    await driver!.idle();
    expect(reports.map((r) => [r.outcome, body(r.event)])).toEqual([
      ["partial", ["a1"]],
      ["partial", ["a1"]],
    ]);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.deadLetterQueueUrl }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(["a1"]);
  });

  it("leaves the messages of a failed or killed invocation to come back after the visibility timeout", async () => {
    const q = await queue(5);
    await send(q.queueUrl, "a", "a1");
    let calls = 0;
    const reports = drive(q, (_event, signal) => {
      calls++;
      if (calls === 1) return Promise.reject(new Error("runtime crashed"));
      if (calls === 2)
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      return Promise.resolve(null);
    });
    const second = await driver!.invocation(
      (event) => event.Records[0]?.attributes.ApproximateReceiveCount === "2",
    );
    expect(body(second.event)).toEqual(["a1"]);
    second.kill();
    await driver!.idle();
    expect(reports.map((r) => [r.outcome, r.event.Records[0]?.attributes.ApproximateReceiveCount])).toEqual([
      ["failed", "1"],
      ["killed", "2"],
      ["settled", "3"],
    ]);
    expect(reports[0]?.kept).toEqual([reports[0]?.event.Records[0]?.messageId]);
  });

  it("runs at most maxConcurrency invocations, and one group never twice at once", async () => {
    const q = await queue();
    for (const group of ["a", "b", "c", "d"]) {
      for (const n of [1, 2]) await send(q.queueUrl, group, `${group}${n}`);
    }
    let now = 0;
    let most = 0;
    const overlaps: string[] = [];
    const inFlight = new Set<string>();
    const order: string[] = [];
    // The first invocation waits for a second one: two pollers must be running at once.
    let second!: () => void;
    const secondStarted = new Promise<void>((resolve) => (second = resolve));
    let started = 0;
    drive(
      q,
      async (event) => {
        const group = event.Records[0]!.attributes.MessageGroupId!;
        if (inFlight.has(group)) overlaps.push(group);
        inFlight.add(group);
        most = Math.max(most, ++now);
        started++;
        if (started === 1) await secondStarted;
        if (started === 2) second();
        order.push(...body(event));
        inFlight.delete(group);
        now--;
        return null;
      },
      { batchSize: 1, maxConcurrency: 2 },
    );
    await driver!.idle();
    expect(most).toBe(2);
    expect(overlaps).toEqual([]);
    for (const group of ["a", "b", "c", "d"]) {
      expect(order.filter((id) => id.startsWith(group))).toEqual([`${group}1`, `${group}2`]);
    }
  });
});
