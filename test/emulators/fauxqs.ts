// SQS and S3 on loopback for adapter tests: fauxqs (one endpoint for both) on 127.0.0.1:0, plus a fresh
// bucket or FIFO queue per test so tests in one file share the emulator without sharing state.
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { type Emulator, FAKE_AWS } from "./dynalite.ts";

/**
 * Starts fauxqs in memory on a random loopback port. startFauxqs() always binds 0.0.0.0, so the app is
 * built and bound here instead; queue URLs then follow the request's Host (127.0.0.1:<port>).
 */
export async function startFauxqs(): Promise<Emulator> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return { endpoint: address, stop: () => app.close() };
}

/** An S3 client for the emulator: path-style, because bucket subdomains of 127.0.0.1 do not resolve. */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({ ...FAKE_AWS, endpoint, forcePathStyle: true, maxAttempts: 1 });
}

/** An SQS client for the emulator, with fake credentials. */
export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...FAKE_AWS, endpoint, maxAttempts: 1 });
}

/** Creates an empty bucket with a unique name. */
export async function freshBucket(client: S3Client): Promise<string> {
  const bucket = `test-${randomUUID()}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Creates an empty FIFO queue with a unique name (explicit deduplication ids) and returns its URL. */
export async function freshFifoQueue(client: SQSClient): Promise<string> {
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: `test-${randomUUID()}.fifo`,
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "false" },
    }),
  );
  if (!QueueUrl) throw new Error("CreateQueue returned no QueueUrl");
  return QueueUrl;
}
