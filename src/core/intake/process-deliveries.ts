// One awaitable unit of work: the deliveries of one receive, turned into stored, delivered outcomes.
// The daemon's lanes and the runner Lambda both call it. Outcomes are stored before anything is sent
// and looked up before anything runs, so a retry (a crash, a failed send) delivers what is stored
// instead of asking the model again; what could not be finished is retried through the queue itself.
import type { Clock } from "../../ports/clock.ts";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import type { Queue, QueueDelivery } from "../../ports/queue.ts";
import type { AgentEvent } from "../agent/events.ts";
import { FAILED_REPLY, failureDetail, failureReply } from "../turn/failure-reply.ts";
import type { TurnRequest, TurnResult } from "../turn/run-turn.ts";
import type { IntakeGate } from "./intake-gate.ts";
import { OWNER_TRUST } from "./trust.ts";
import type { AfterTurnAttempt } from "./after-turn.ts";
import { finish, giveUp, record, store, type Work } from "./settle-outcome.ts";
import { asTurnJob, COMPACT_COMMAND, type TurnJob } from "./turn-job.ts";

export { DELIVERY_RETRY_DELAYS_MS } from "./settle-outcome.ts";

export interface DeliveryDeps {
  queue: Queue;
  outbox: Outbox;
  clock: Clock;
  runTurn(request: TurnRequest): Promise<TurnResult>;
  /** A command job's reply, without the model (the channel's bot commands). */
  runCommand(job: TurnJob): Promise<string>;
  /** Sends a stored outcome to its channel; awaited; throws when it could not (then the delivery is retried). */
  deliver(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): Promise<void>;
  /** The job's after-turn work (after-turn.ts); idempotent; throws to be retried like a delivery. */
  afterTurn(record: OutboxRecord, job: TurnJob, attempt?: AfterTurnAttempt): Promise<void>;
  /** Tries per job for its turn, counting the first. */
  maxAttempts: number;
  /** Wait before the next try of a failed turn, times the tries so far. */
  retryDelayMs: number;
  /** Waits before each next try of a delivery; a message takes at most maxAttempts + this many receives. */
  deliveryRetryDelaysMs?: readonly number[];
  /**
   * A job that failed for good, once its apology is stored and delivered: "ack" (local queue) or
   * "dead-letter" (SQS: handed back un-acked so that the queue's redrive moves it to the dead-letter queue).
   */
  giveUp: "ack" | "dead-letter";
  /** Contract: must not throw. Streams a turn's events to whoever watches its jobs. */
  onEvent?(jobs: TurnJob[], event: AgentEvent): void;
  /** Contract: must not throw. A turn starts (abort support); the returned function is called when it ends. */
  onTurn?(jobs: TurnJob[], controller: AbortController): () => void;
  /** Contract: must not throw. */
  log?(level: "info" | "warn" | "error", message: string): void;
  /** Contract: must not throw. Masks secrets in every stored reply. */
  redact?(text: string): string;
  /** When given, a turn starts only once this intake is quiet (acknowledgements before work). */
  intake?: IntakeGate;
}

/**
 * Processes one receive's deliveries (any groups; groups run side by side, each in order), awaiting
 * everything; returns the deliveries it did not settle (retried or dead-lettered): the runner Lambda
 * reports them, and later messages of their groups, as batch item failures.
 */
export async function processDeliveries(
  deps: DeliveryDeps,
  deliveries: QueueDelivery[],
): Promise<QueueDelivery[]> {
  const groups = new Map<string, QueueDelivery[]>();
  for (const d of deliveries) groups.set(d.group, [...(groups.get(d.group) ?? []), d]);
  // Settled, not all: a group that broke (the outbox unreachable) must not end the call while other
  // groups' turns still run — a Lambda would be frozen under them and the whole batch sent again.
  const batches = [...groups.values()];
  const results = await Promise.allSettled(batches.map((group) => processGroup(deps, group)));
  return results.flatMap((result, i) => {
    if (result.status === "fulfilled") return result.value;
    (deps.log ?? (() => {}))(
      "error",
      `a batch of ${batches[i]!.length} message(s) for ${batches[i]![0]!.group} broke and is tried again: ${(result.reason as Error)?.message ?? String(result.reason)}`,
    );
    return batches[i]!;
  });
}

async function processGroup(deps: DeliveryDeps, deliveries: QueueDelivery[]): Promise<QueueDelivery[]> {
  const log = deps.log ?? (() => {});
  const unsettled: QueueDelivery[] = [];
  const work: Work[] = [];
  for (const delivery of deliveries) {
    const job = asTurnJob(delivery.body);
    if (!job) {
      log(
        "error",
        `dropping a queue message that is not a turn job: ${JSON.stringify(delivery.body).slice(0, 200)}`,
      );
      await deps.queue.ack(delivery);
      continue;
    }
    if (work.some((w) => w.job.id === job.id)) {
      // The same job queued twice (a resend after the duplicate window): one turn, one outcome.
      await deps.queue.ack(delivery);
      continue;
    }
    const stored = await deps.outbox.get(job.id);
    if (stored) {
      // A crash or a failed send after the outcome was stored: deliver what is stored, never run again.
      if (!(await finish(deps, { delivery, job }, stored, [job]))) unsettled.push(delivery);
    } else if (delivery.attempts > deps.maxAttempts) {
      // Received this often without an outcome: the turn itself keeps the process from finishing.
      log("error", `job ${job.id} failed ${deps.maxAttempts} times; telling the user`);
      if (!(await giveUp(deps, { delivery, job }, FAILED_REPLY))) unsettled.push(delivery);
    } else {
      work.push({ delivery, job });
    }
  }
  const parts = partsOf(work);
  for (const [i, part] of parts.entries()) {
    const result = await runPart(deps, part);
    unsettled.push(...result.unsettled);
    if (result.retried) {
      // Later turns of the session wait for this one: handed back untouched, behind it in the group.
      const later = parts.slice(i + 1).flat();
      for (const { delivery } of later) await deps.queue.retry(delivery, 0);
      unsettled.push(...later.map((w) => w.delivery));
      break;
    }
  }
  return unsettled;
}

/** Runs one part (a turn, or a command) and settles its deliveries; `retried` when it will run again. */
async function runPart(
  deps: DeliveryDeps,
  part: Work[],
): Promise<{ unsettled: QueueDelivery[]; retried: boolean }> {
  const jobs = part.map((w) => w.job);
  const controller = new AbortController();
  const ended = deps.onTurn?.(jobs, controller);
  let results: Array<{ reply: string; usage: OutboxRecord["usage"] }>;
  try {
    const command = jobs[0]!.command;
    // /compact needs the model and the session's prompt: it runs as a turn that compacts.
    const compact = command === COMPACT_COMMAND;
    if (command !== undefined && !compact) {
      results = [{ reply: await deps.runCommand(jobs[0]!), usage: { inputTokens: 0, outputTokens: 0 } }];
    } else {
      await deps.intake?.quiet();
      const result = await deps.runTurn({
        sessionKey: jobs[0]!.sessionKey,
        messages: jobs.map((j) => j.message),
        channel: jobs[0]!.channel,
        turnIds: jobs.map((j) => j.id),
        trust: jobs.map((j) => j.trust ?? OWNER_TRUST),
        ...(jobs[0]!.origin && { origin: jobs[0]!.origin }),
        ...((jobs[0]!.options || compact) && {
          options: { ...jobs[0]!.options, ...(compact && { compact }) },
        }),
        signal: controller.signal,
        onEvent: (event) => deps.onEvent?.(jobs, event),
      });
      results = jobs.map(() => ({ reply: result.reply, usage: result.usage }));
    }
  } catch (error) {
    return turnFailed(deps, part, error);
  } finally {
    ended?.();
  }
  // Every outcome of the turn is stored before any is sent: a crash in between re-sends, never re-runs.
  const stored: OutboxRecord[] = [];
  for (const [i, { job }] of part.entries())
    stored.push(await store(deps, record(deps, job, "done", results[i]!)));
  const unsettled: QueueDelivery[] = [];
  for (const [i, item] of part.entries()) {
    if (!(await finish(deps, item, stored[i]!, jobs))) unsettled.push(item.delivery);
  }
  return { unsettled, retried: false };
}

async function turnFailed(deps: DeliveryDeps, part: Work[], error: unknown) {
  const log = deps.log ?? (() => {});
  // The provider's words may echo a key: they go to the log (redacted there), never to the chat.
  const message = failureDetail(error, deps.redact);
  const unsettled: QueueDelivery[] = [];
  let retried = false;
  for (const item of part) {
    const { delivery, job } = item;
    if (delivery.attempts >= deps.maxAttempts) {
      log("error", `job ${job.id} failed for good: ${message}`);
      if (!(await giveUp(deps, item, failureReply(error)))) unsettled.push(delivery);
    } else {
      log(
        "warn",
        `job ${job.id} failed (attempt ${delivery.attempts} of ${deps.maxAttempts}), retrying: ${message}`,
      );
      await deps.queue.retry(delivery, deps.retryDelayMs * delivery.attempts);
      unsettled.push(delivery);
      retried = true;
    }
  }
  return { unsettled, retried };
}

/**
 * Consecutive jobs of the same kind (people's messages, or one kind of internal turn) share a turn;
 * a bot command or a heartbeat is a part of its own, in its place.
 */
function partsOf(work: Work[]): Work[][] {
  // A heartbeat turn relays its own alert: two beats collected into one turn would send it twice.
  const alone = (job: TurnJob) => job.command !== undefined || job.after?.some((a) => a.kind === "heartbeat");
  const kind = (job: TurnJob) =>
    alone(job)
      ? `alone ${job.id}`
      : `${job.message.internal ?? "person"} ${JSON.stringify(job.options ?? {})}`;
  const parts: Work[][] = [];
  for (const item of work) {
    const last = parts.at(-1);
    if (last && kind(last[0]!.job) === kind(item.job)) last.push(item);
    else parts.push([item]);
  }
  return parts;
}
