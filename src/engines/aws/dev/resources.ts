// What a deployment would create, made in the emulators for `aws dev`: the state table, the bucket, and
// the FIFO intake queue with its FIFO dead-letter queue (the redrive takes what the runner gave up on).
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createTables } from "../../../adapters/dynamodb/tables.ts";

export interface DevResources {
  table: string;
  bucket: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

export interface DevResourceOptions {
  /** Receives of one message before the redrive moves it to the dead-letter queue. */
  maxReceiveCount: number;
  /** The intake queue's visibility timeout: how long a chat waits after a failed or killed invocation. */
  visibilitySeconds: number;
  /** Name prefix; a random suffix keeps several dev runs or tests in one emulator apart. */
  prefix?: string;
}

/** A FIFO queue with explicit deduplication ids, as the ingest handler sends them. */
async function createFifoQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "false", ...attributes },
    }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue ${name}.fifo returned no QueueUrl`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`GetQueueAttributes ${name}.fifo returned no QueueArn`);
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** Creates the table, the bucket and both queues under fresh names. */
export async function createDevResources(
  clients: { dynamodb: DynamoDBClient; s3: S3Client; sqs: SQSClient },
  options: DevResourceOptions,
): Promise<DevResources> {
  const name = `${options.prefix ?? "agent-claw"}-${randomUUID().slice(0, 8)}`;
  const [, , deadLetter] = await Promise.all([
    // dynalite does not implement UpdateTimeToLive; the TTL is only AWS's clean-up anyway.
    createTables(clients.dynamodb, { state: `${name}-state` }, { ttl: false }),
    clients.s3.send(new CreateBucketCommand({ Bucket: name })),
    createFifoQueue(clients.sqs, `${name}-dead-letter`, {}),
  ]);
  const intake = await createFifoQueue(clients.sqs, `${name}-intake`, {
    VisibilityTimeout: String(options.visibilitySeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: options.maxReceiveCount,
    }),
  });
  return {
    table: `${name}-state`,
    bucket: name,
    queueUrl: intake.url,
    deadLetterQueueUrl: deadLetter.url,
    deadLetterQueueArn: deadLetter.arn,
  };
}
