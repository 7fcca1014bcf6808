// Makes fauxqs batch a FIFO group as SQS does, so collect mode happens under aws dev as in AWS. Written against
// fauxqs 2.4.1 (package.json pins it): its SqsQueue hands out one message per group per receive and returns
// expired messages of a group in reverse; this replaces dequeueFifo and reorders after processTimers/changeVisibility.
import { randomUUID } from "node:crypto";

/** The fauxqs version this file reads the internals of; an upgrade must re-check fauxqsShapeProblems(). */
export const FAUXQS_WRITTEN_AGAINST = "2.4.1";

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  messageAttributes: Record<string, unknown>;
  messageGroupId?: string;
  sequenceNumber?: string;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
}

interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, unknown>;
}

/** The slice of fauxqs's SqsQueue this file relies on (fauxqsShapeProblems checks it on a live queue). */
export interface FauxqsQueue {
  name: string;
  attributes: Record<string, string | undefined>;
  fifoMessages: Map<string, StoredMessage[]>;
  fifoLockedGroups: Map<string, number>;
  inflightMessages: Map<
    string,
    { message: StoredMessage; receiptHandle: string; visibilityDeadline: number }
  >;
  persistence?: {
    deleteMessage(messageId: string): void;
    updateMessageInflight(id: string, handle: string, deadline: number, count: number, first?: number): void;
  };
  spy?: { addMessage(entry: Record<string, unknown>): void };
  isFifo(): boolean;
  enqueue(message: StoredMessage): void;
  processTimers(): void;
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
  dequeueFifo(
    maxCount: number,
    visibility?: number,
    dlq?: (arn: string) => FauxqsQueue | undefined,
  ): ReceivedMessage[];
}

export type FauxqsQueueClass = new (
  name: string,
  url: string,
  arn: string,
  attributes: Record<string, string>,
) => FauxqsQueue;

const PATCHED = Symbol.for("agent-claw.fauxqs-fifo");

/** Loads fauxqs's SqsQueue class: the package exports only its app, so the module is reached beside it. */
export async function loadFauxqsQueueClass(): Promise<FauxqsQueueClass> {
  const store = new URL("./sqs/sqsStore.js", import.meta.resolve("fauxqs"));
  const module = (await import(store.href)) as { SqsQueue?: FauxqsQueueClass };
  if (typeof module.SqsQueue !== "function") {
    throw new Error(
      `fauxqs no longer exports SqsQueue from ${store.href}; re-check src/engines/aws/dev/fauxqs-fifo.ts`,
    );
  }
  return module.SqsQueue;
}

/** What a fresh FIFO queue lacks of the fields and methods this file uses; empty when the shape holds. */
export function fauxqsShapeProblems(SqsQueue: FauxqsQueueClass): string[] {
  const q = new SqsQueue("shape-probe.fifo", "http://probe/q", "arn:aws:sqs:us-east-1:0:probe", {
    FifoQueue: "true",
  });
  const problems: string[] = [];
  for (const map of ["fifoMessages", "fifoLockedGroups", "inflightMessages"] as const) {
    if (!(q[map] instanceof Map)) problems.push(`${map} is not a Map`);
  }
  if (typeof q.attributes !== "object" || q.attributes === null) problems.push("attributes is not an object");
  for (const method of ["isFifo", "enqueue", "processTimers", "changeVisibility", "dequeueFifo"] as const) {
    if (typeof q[method] !== "function") problems.push(`${method}() is missing`);
  }
  if (problems.length === 0 && !q.isFifo()) problems.push("isFifo() is false for FifoQueue=true");
  return problems;
}

function redrivePolicy(queue: FauxqsQueue): { maxReceiveCount: number; arn?: string } {
  try {
    const policy = JSON.parse(queue.attributes.RedrivePolicy ?? "{}") as {
      maxReceiveCount?: number | string;
      deadLetterTargetArn?: string;
    };
    const max = Number(policy.maxReceiveCount ?? Number.POSITIVE_INFINITY);
    return {
      maxReceiveCount: Number.isFinite(max) ? max : Number.POSITIVE_INFINITY,
      arn: policy.deadLetterTargetArn,
    };
  } catch {
    return { maxReceiveCount: Number.POSITIVE_INFINITY }; // fauxqs ignores a policy it cannot parse
  }
}

/** Moves a message past maxReceiveCount to the dead-letter queue, as fauxqs's own receive does. */
function deadLetter(
  queue: FauxqsQueue,
  message: StoredMessage,
  policy: { maxReceiveCount: number; arn?: string },
  resolve: ((arn: string) => FauxqsQueue | undefined) | undefined,
): boolean {
  if (!policy.arn || !resolve || message.approximateReceiveCount <= policy.maxReceiveCount) return false;
  const target = resolve(policy.arn);
  if (!target) return false;
  queue.spy?.addMessage({
    service: "sqs",
    queueName: queue.name,
    messageId: message.messageId,
    body: message.body,
    messageAttributes: message.messageAttributes,
    status: "dlq",
    timestamp: Date.now(),
  });
  queue.persistence?.deleteMessage(message.messageId);
  target.enqueue(message);
  return true;
}

/** Puts a message in flight; the group's lock counts one per message, as delete and changeVisibility expect. */
function receive(
  queue: FauxqsQueue,
  groupId: string,
  message: StoredMessage,
  visibility: number,
): ReceivedMessage {
  const receiptHandle = randomUUID();
  const deadline = Date.now() + visibility * 1000;
  queue.inflightMessages.set(receiptHandle, { message, receiptHandle, visibilityDeadline: deadline });
  queue.persistence?.updateMessageInflight(
    message.messageId,
    receiptHandle,
    deadline,
    message.approximateReceiveCount,
    message.approximateFirstReceiveTimestamp,
  );
  queue.fifoLockedGroups.set(groupId, (queue.fifoLockedGroups.get(groupId) ?? 0) + 1);
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(message.md5OfMessageAttributes && { MD5OfMessageAttributes: message.md5OfMessageAttributes }),
    ...(Object.keys(message.messageAttributes).length > 0 && {
      MessageAttributes: message.messageAttributes,
    }),
  };
}

/** SQS's FIFO receive: per unlocked group in order, as many of its messages as still fit (at most 10). */
function dequeueFifo(
  this: FauxqsQueue,
  maxCount: number,
  visibilityOverride?: number,
  resolveDlq?: (arn: string) => FauxqsQueue | undefined,
): ReceivedMessage[] {
  this.processTimers();
  const visibility = visibilityOverride ?? Number.parseInt(this.attributes.VisibilityTimeout ?? "30", 10);
  const policy = redrivePolicy(this);
  const limit = Math.min(maxCount, 10);
  const out: ReceivedMessage[] = [];
  for (const [groupId, waiting] of this.fifoMessages) {
    if (out.length >= limit) break;
    if (this.fifoLockedGroups.has(groupId)) continue;
    while (out.length < limit && waiting.length > 0) {
      const message = waiting.shift()!;
      message.approximateReceiveCount++;
      message.approximateFirstReceiveTimestamp ??= Date.now();
      if (deadLetter(this, message, policy, resolveDlq)) continue;
      out.push(receive(this, groupId, message, visibility));
    }
    if (waiting.length === 0) this.fifoMessages.delete(groupId);
  }
  return out;
}

// Sequence numbers are decimal strings of one width in fauxqs, but compare by length first to be safe.
function bySequence(a: StoredMessage, b: StoredMessage): number {
  const x = a.sequenceNumber!;
  const y = b.sequenceNumber!;
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

/** Orders each group's waiting messages by sequence number, so returned messages keep their place. */
function orderGroups(queue: FauxqsQueue): void {
  if (!queue.isFifo()) return;
  for (const waiting of queue.fifoMessages.values()) {
    if (waiting.length < 2 || waiting.some((m) => m.sequenceNumber === undefined)) continue;
    if (waiting.every((m, i) => i === 0 || bySequence(waiting[i - 1]!, m) <= 0)) continue;
    waiting.sort(bySequence);
  }
}

/** Patches fauxqs's SqsQueue once per process (every fauxqs app in it shares the class). */
export function applyFauxqsFifo(SqsQueue: FauxqsQueueClass): void {
  const proto = SqsQueue.prototype as FauxqsQueue & { [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const problems = fauxqsShapeProblems(SqsQueue);
  if (problems.length > 0) {
    throw new Error(
      `fauxqs's SqsQueue changed shape (${problems.join("; ")}); src/engines/aws/dev/fauxqs-fifo.ts was ` +
        `written against fauxqs ${FAUXQS_WRITTEN_AGAINST}: update it or pin that version.`,
    );
  }
  const processTimers = proto.processTimers;
  const changeVisibility = proto.changeVisibility;
  proto.dequeueFifo = dequeueFifo;
  proto.processTimers = function (this: FauxqsQueue) {
    processTimers.call(this);
    orderGroups(this);
  };
  proto.changeVisibility = function (this: FauxqsQueue, receiptHandle: string, timeoutSeconds: number) {
    changeVisibility.call(this, receiptHandle, timeoutSeconds);
    orderGroups(this);
  };
  proto[PATCHED] = true;
}
