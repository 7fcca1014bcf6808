// The Queue port on an SQS FIFO queue: MessageGroupId = group, MessageDeduplicationId = dedupeId.
// SQS accepts a duplicate silently (same 200 answer, original MessageId), so duplicates are told apart
// by a claim on the dedupeId, written after the send (see enqueue for why that order).
import { checkReceiveOptions, queueBodyJson } from "../queue-input.ts";
import { createHash } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Claims } from "../../ports/claims.ts";
import type { Queue, QueueDelivery } from "../../ports/queue.ts";

/** Options of createSqsQueue. */
export interface SqsQueueOptions {
  client: SQSClient;
  /** URL of a FIFO queue (name ending in .fifo) without content-based deduplication. */
  queueUrl: string;
  /** Remembers dedupe ids, so that enqueue can answer false for a duplicate (SQS alone cannot say). */
  claims: Claims;
  /** How long a dedupeId is remembered; default 5 minutes, SQS's own deduplication interval. */
  dedupeWindowMs?: number;
}

/** What travels in the message body: ids as given (SQS may only see their hashes) and the payload. */
interface Envelope {
  group: string;
  dedupeId: string;
  body: unknown;
}

const MAX_VISIBILITY_S = 43_200;

/**
 * SQS takes group and deduplication ids of 1-128 printable ASCII characters; anything else is sent as
 * its SHA-256, which keeps equal ids equal. The original ids ride in the envelope.
 */
export function sqsId(value: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(value)
    ? value
    : `sha256:${createHash("sha256").update(value).digest("hex")}`;
}

const seconds = (ms: number, max: number) => Math.min(max, Math.max(0, Math.ceil(ms / 1000)));

/** True for SQS's answers to a receipt that no longer names an in-flight message. */
function isStaleReceipt(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "ReceiptHandleIsInvalid" || err.name === "MessageNotInflight") return true;
  return err.name.startsWith("InvalidParameterValue") && /receipt ?handle/i.test(err.message);
}

/** A received message as the port's delivery (also a Lambda event record's, which carries the same fields). */
export function toDelivery(message: Message): QueueDelivery {
  const attrs = message.Attributes ?? {};
  const receipt = message.ReceiptHandle ?? "";
  const attempts = Number(attrs.ApproximateReceiveCount ?? 1);
  try {
    const envelope = JSON.parse(message.Body ?? "") as Envelope;
    if (typeof envelope.group === "string" && typeof envelope.dedupeId === "string") {
      return { receipt, group: envelope.group, dedupeId: envelope.dedupeId, body: envelope.body, attempts };
    }
  } catch {
    // Not one of ours (sent by hand or by another tool): deliver it raw, so it can be acked or dead-lettered.
  }
  const group = attrs.MessageGroupId ?? "";
  return {
    receipt,
    group,
    dedupeId: attrs.MessageDeduplicationId ?? message.MessageId ?? "",
    body: message.Body,
    attempts,
  };
}

/** A Queue over one SQS FIFO queue. */
export function createSqsQueue(options: SqsQueueOptions): Queue {
  const { client, queueUrl, claims } = options;
  const window = options.dedupeWindowMs ?? 5 * 60_000;
  // Account and queue name, not the host, so every endpoint of one queue shares its claims.
  const queueId = new URL(queueUrl).pathname.replace(/^\/+/, "");

  return {
    /**
     * Send first, then claim. A retry after a crash or error between the two sends again (SQS drops
     * the copy) and then wins the claim, so the message is neither lost nor doubled. Claiming first
     * would lose it: the retry would find the claim and drop the message that was never sent.
     */
    async enqueue(message) {
      queueBodyJson(message);
      const envelope: Envelope = { group: message.group, dedupeId: message.dedupeId, body: message.body };
      // SQS refuses U+FFFE and U+FFFF in bodies; JSON lets them travel escaped.
      const body = JSON.stringify(envelope).replace(
        /[\ufffe\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16)}`,
      );
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageGroupId: sqsId(message.group),
          MessageDeduplicationId: sqsId(message.dedupeId),
        }),
      );
      return claims.claimOnce(`sqs:${queueId}:${message.dedupeId}`, window);
    },

    async receive(options) {
      checkReceiveOptions(options);
      const { max, visibilityMs, waitMs = 0, signal } = options;
      if (signal?.aborted) return [];
      const out = await client
        .send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: max,
            VisibilityTimeout: seconds(visibilityMs, MAX_VISIBILITY_S),
            WaitTimeSeconds: seconds(waitMs, 20),
            MessageSystemAttributeNames: [
              "ApproximateReceiveCount",
              "MessageGroupId",
              "MessageDeduplicationId",
            ],
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          // An aborted long poll took nothing: SQS only hides messages it returned.
          if (signal?.aborted) return { Messages: [] };
          throw error;
        });
      return (out.Messages ?? []).map(toDelivery);
    },

    async ack(delivery) {
      try {
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: delivery.receipt }));
      } catch (err) {
        if (!isStaleReceipt(err)) throw err;
      }
    },

    async retry(delivery, delayMs) {
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: delivery.receipt,
            VisibilityTimeout: seconds(delayMs, MAX_VISIBILITY_S),
          }),
        );
      } catch (err) {
        // Already visible again or gone: either way there is nothing left to put back.
        if (!isStaleReceipt(err)) throw err;
      }
    },
  };
}
