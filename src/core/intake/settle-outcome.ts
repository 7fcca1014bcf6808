// Settling one job's outcome: stored (redacted) before anything is sent, then its after-turn work,
// its delivery (awaited), and the ack. What fails after the outcome is stored hands the message back
// with a delay, so the next try delivers what is stored; a job given up goes to the dead-letter queue
// (SQS) or is acked (the local queue) once its apology is out.
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { QueueDelivery } from "../../ports/queue.ts";
import { failureDetail } from "../turn/failure-reply.ts";
import type { DeliveryDeps } from "./process-deliveries.ts";
import type { TurnJob } from "./turn-job.ts";

/** Waits before the next try of a stored outcome whose delivery failed (then it is given up). */
export const DELIVERY_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000];

/** A received job. */
export interface Work {
  delivery: QueueDelivery;
  job: TurnJob;
}

/** Stores the apology for a job that failed for good, and settles it. */
export async function giveUp(deps: DeliveryDeps, item: Work, reply: string): Promise<boolean> {
  const stored = await store(
    deps,
    record(deps, item.job, "failed", { reply, usage: { inputTokens: 0, outputTokens: 0 } }),
  );
  return finish(deps, item, stored, [item.job]);
}

/**
 * Runs the after-turn work, delivers, and acks; true when settled. A failure hands the delivery back
 * with a delay (the next try finds the stored outcome), until the delivery retries run out.
 */
export async function finish(
  deps: DeliveryDeps,
  { delivery, job }: Work,
  stored: OutboxRecord,
  turnJobs: TurnJob[],
) {
  const log = deps.log ?? (() => {});
  const delays = deps.deliveryRetryDelaysMs ?? DELIVERY_RETRY_DELAYS_MS;
  const lastTry = delivery.attempts >= deps.maxAttempts + delays.length;
  try {
    await deps.afterTurn(stored, job, { lastTry });
    await deps.deliver(stored, job, turnJobs);
  } catch (error) {
    const reason = failureDetail(error, deps.redact);
    if (lastTry) {
      log(
        "error",
        `gave up delivering ${job.id} after ${delivery.attempts} attempts (${reason}); its outcome stays in the outbox`,
      );
      return settle(deps, delivery, deps.giveUp === "dead-letter");
    }
    const delay = delays[Math.min(delivery.attempts - 1, delays.length - 1)] ?? 0;
    log("warn", `could not deliver ${job.id} (${reason}); trying again in ${Math.round(delay / 1000)} s`);
    await deps.queue.retry(delivery, delay);
    return false;
  }
  // A job that failed for good goes to the dead-letter queue (SQS) once the user has been told.
  return settle(deps, delivery, stored.status === "failed" && deps.giveUp === "dead-letter");
}

async function settle(deps: DeliveryDeps, delivery: QueueDelivery, deadLetter: boolean): Promise<boolean> {
  if (deadLetter) {
    // Visible again now: the next receive counts past the redrive limit and moves it.
    await deps.queue.retry(delivery, 0);
    return false;
  }
  await deps.queue.ack(delivery);
  return true;
}

/** The outcome record of `job`. */
export const record = (
  deps: DeliveryDeps,
  job: TurnJob,
  status: OutboxRecord["status"],
  result: { reply: string; usage: OutboxRecord["usage"] },
): OutboxRecord => ({
  key: job.id,
  sessionKey: job.sessionKey,
  ...(job.deliverTo && { deliverTo: job.deliverTo }),
  status,
  reply: result.reply,
  usage: result.usage,
  createdAt: deps.clock.now(),
});

/** Stores an outcome with its reply masked; the first stored for a key wins. */
export const store = (deps: DeliveryDeps, outcome: OutboxRecord) =>
  deps.outbox.put({ ...outcome, reply: deps.redact ? deps.redact(outcome.reply) : outcome.reply });
