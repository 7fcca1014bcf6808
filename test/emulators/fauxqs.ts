// SQS and S3 on loopback for adapter tests: the emulator comes from src/engines/aws/dev/emulators.ts (aws dev
// uses the same one); a fresh bucket or FIFO queue per test, so tests in one file share it without sharing state.
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";

export { s3Client, sqsClient, startFauxqs } from "../../src/engines/aws/dev/emulators.ts";

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
