// Checks every Queue adapter applies the same way, so bad input fails alike on SQLite and on SQS.
import type { QueueMessage, ReceiveOptions } from "../ports/queue.ts";

/** The message body as JSON; throws a TypeError for a body JSON cannot carry, or empty ids. */
export function queueBodyJson(message: QueueMessage): string {
  if (!message.group) throw new TypeError("queue: message group must not be empty");
  if (!message.dedupeId) throw new TypeError("queue: message dedupeId must not be empty");
  const json = message.body === undefined ? undefined : JSON.stringify(message.body);
  if (json === undefined) throw new TypeError("queue: message body must be JSON-serialisable");
  return json;
}

/** Throws a RangeError unless max is an integer from 1 to 10 (what SQS accepts). */
export function checkReceiveOptions({ max }: ReceiveOptions): void {
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    throw new RangeError(`queue: max must be an integer from 1 to 10, got ${max}`);
  }
}
