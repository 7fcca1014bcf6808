// aws dev's stand-in for Lambda's SQS FIFO event source mapping: pollers long-poll the queue and invoke the
// runner with real SQSEvent batches, delete what the invocation settled, and leave the rest (reported
// failures, a failed, timed-out or killed invocation) to the visibility timeout and the queue's redrive.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";

export interface SqsDriverOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  /** Invokes the runner; aborting `signal` kills the invocation. */
  invoke(event: SQSEvent, signal: AbortSignal): Promise<unknown>;
  /** Records per batch, 1-10 (default 10). */
  batchSize?: number;
  /** Most invocations at once (default 5); FIFO groups in flight cap it further, as on Lambda. */
  maxConcurrency?: number;
  /** Told after each invocation (logs, tests). */
  onInvocation?(report: InvocationReport): void;
  /** Told when a poll fails (the emulator went away); the poller tries again a second later. */
  onError?(error: unknown): void;
}

export interface InvocationReport {
  event: SQSEvent;
  outcome: "settled" | "partial" | "failed" | "killed";
  /** Message ids left on the queue. */
  kept: string[];
  error?: unknown;
}

/** An invocation in flight, for a test that kills the runner in the middle of a turn. */
export interface RunningInvocation {
  event: SQSEvent;
  kill(): void;
}

export interface SqsDriver {
  /** Resolves with the next invocation whose event `matches` (one already running counts). */
  invocation(matches?: (event: SQSEvent) => boolean): Promise<RunningInvocation>;
  /** Resolves once no invocation runs and the queue holds no message, visible, in flight or delayed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function messageAttributes(message: Message): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? "String",
        stringListValues: [],
        binaryListValues: [],
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && {
          binaryValue: Buffer.from(value.BinaryValue).toString("base64"),
        }),
      },
    ]),
  );
}

/** One received message as Lambda's event source mapping hands it to the function. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? "",
      SenderId: a.SenderId ?? "",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? "",
      ...(a.SequenceNumber && { SequenceNumber: a.SequenceNumber }),
      ...(a.MessageGroupId && { MessageGroupId: a.MessageGroupId }),
      ...(a.MessageDeduplicationId && { MessageDeduplicationId: a.MessageDeduplicationId }),
    },
    messageAttributes: messageAttributes(message),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes && { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * The message ids a result leaves on the queue, as Lambda reads ReportBatchItemFailures: no answer or
 * an empty list settles the batch; an identifier that is empty or not in the batch fails all of it.
 */
export function failedIds(result: unknown, event: SQSEvent): Set<string> {
  const all = new Set(event.Records.map((r) => r.messageId));
  if (result === null || result === undefined || typeof result !== "object") return new Set();
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = failures.map((f) => (f as { itemIdentifier?: unknown } | null)?.itemIdentifier);
  if (ids.some((id) => typeof id !== "string" || !all.has(id))) return all;
  return new Set(ids as string[]);
}

export function startSqsDriver(options: SqsDriverOptions): SqsDriver {
  const { sqs, queueUrl } = options;
  const stop = new AbortController();
  const running = new Map<SQSEvent, AbortController>();
  const watchers: Array<{ matches: (event: SQSEvent) => boolean; resolve(run: RunningInvocation): void }> =
    [];
  const running$ = (event: SQSEvent): RunningInvocation => ({
    event,
    kill: () => running.get(event)?.abort(),
  });

  async function deleteSettled(records: SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
  }

  async function runBatch(messages: Message[]): Promise<void> {
    const event: SQSEvent = {
      Records: messages.map((m) => toSqsRecord(m, options.queueArn, options.region)),
    };
    const kill = new AbortController();
    running.set(event, kill);
    for (const watcher of watchers.splice(0)) {
      if (watcher.matches(event)) watcher.resolve(running$(event));
      else watchers.push(watcher);
    }
    const all = event.Records.map((r) => r.messageId);
    try {
      const result = await options.invoke(event, kill.signal);
      const failed = failedIds(result, event);
      await deleteSettled(event.Records.filter((r) => !failed.has(r.messageId)));
      options.onInvocation?.({
        event,
        outcome: failed.size === 0 ? "settled" : "partial",
        kept: [...failed],
      });
    } catch (error) {
      const outcome = kill.signal.aborted ? "killed" : "failed";
      options.onInvocation?.({ event, outcome, kept: all, error });
    } finally {
      running.delete(event);
    }
  }

  async function poll(): Promise<void> {
    while (!stop.signal.aborted) {
      try {
        await pollOnce();
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async function pollOnce(): Promise<void> {
    const out = await sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: options.batchSize ?? 10,
          WaitTimeSeconds: 20,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        { abortSignal: stop.signal },
      )
      .catch((error: unknown) => {
        if (stop.signal.aborted) return { Messages: [] };
        throw error;
      });
    if (out.Messages?.length) await runBatch(out.Messages);
  }

  const pollers = Array.from({ length: options.maxConcurrency ?? 5 }, () => poll());

  async function queueEmpty(): Promise<boolean> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    return Object.values(Attributes).every((count) => count === "0");
  }

  return {
    invocation(matches = () => true) {
      const current = [...running.keys()].find(matches);
      if (current) return Promise.resolve(running$(current));
      return new Promise((resolve) => watchers.push({ matches, resolve }));
    },
    async idle() {
      // Polled: the queue's counts are the only view of messages waiting out a visibility timeout.
      while (running.size > 0 || !(await queueEmpty())) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      stop.abort();
      for (const kill of running.values()) kill.abort();
      await Promise.allSettled(pollers);
    },
  };
}
