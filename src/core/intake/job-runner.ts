// The durable path from an accepted message to its one answer: jobs are enqueued before anyone is
// told "accepted", drained in per-session lanes, and each outcome is written to the outbox before
// the job is acked, so a crash anywhere means a retry that ends in exactly one stored outcome.
import type { Clock } from "../../ports/clock.ts";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import type { Queue, QueueDelivery } from "../../ports/queue.ts";
import type { AgentEvent } from "../agent/events.ts";
import { createLanes } from "../lanes/lanes.ts";
import { FAILED_REPLY, failureDetail, failureReply } from "../turn/failure-reply.ts";
import type { TurnRequest, TurnResult } from "../turn/run-turn.ts";
import type { IntakeGate } from "./intake-gate.ts";
import { OWNER_TRUST } from "./trust.ts";
import { asTurnJob, type TurnJob } from "./turn-job.ts";

export interface JobRunnerOptions {
  queue: Queue;
  outbox: Outbox;
  clock: Clock;
  /** Runs one turn (runTurn with the engine's deps bound). */
  runTurn: (request: TurnRequest) => Promise<TurnResult>;
  /** Sessions whose turns may run at once. */
  maxConcurrent: number;
  /** How long a received job stays hidden from other consumers; longer than a slow turn. */
  visibilityMs?: number;
  /** Tries per job, counting the first: a job whose turn failed or crashed this often fails for good. */
  maxAttempts?: number;
  /** How long a receive waits for work (the local queue wakes early on enqueue; default 60 s: no idle polling). */
  pollMs?: number;
  /** Wait before the next try of a failed turn, times the tries so far (default 2 s). */
  retryDelayMs?: number;
  /** When given, a turn starts only once this intake is quiet (acknowledgements before work). */
  intake?: IntakeGate;
  /** Contract: must not throw. Streams a turn's events to whoever watches its jobs. */
  onEvent?: (jobs: TurnJob[], event: AgentEvent) => void;
  /**
   * Contract: must not throw. Called once a job's outcome is stored (to deliver it), with the jobs
   * whose messages were answered by the same turn (the job alone when it ran by itself).
   */
  onOutcome?: (record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]) => void;
  /** Contract: must not throw. */
  log?: (level: "info" | "warn" | "error", message: string) => void;
  /** Contract: must not throw. Masks secrets in every stored reply (the outbox feeds chats, the UI and the API). */
  redact?: (text: string) => string;
}

export interface JobRunner {
  /** Contract: durable when it resolves; false for an id accepted before (its outcome will come once). */
  submit(job: TurnJob): Promise<boolean>;
  /** Resolves with the job's outcome, stored now or later (also one stored by an earlier process). */
  outcome(id: string, signal?: AbortSignal): Promise<OutboxRecord>;
  /** Starts draining the queue. */
  start(): void;
  /** Stops taking jobs and waits for the turns that run; unfinished jobs stay queued for the next start. */
  stop(): Promise<void>;
  /** Stops the running turn that holds this job id or session key; false when none runs. */
  abort(target: { jobId?: string; sessionKey?: string }): boolean;
  /** Turns running now. */
  readonly running: number;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { queue, outbox, clock } = options;
  const visibilityMs = options.visibilityMs ?? 15 * 60_000;
  const maxAttempts = options.maxAttempts ?? 2;
  const pollMs = options.pollMs ?? 60_000;
  const retryDelayMs = options.retryDelayMs ?? 2_000;
  const log = options.log ?? (() => {});
  const redact = options.redact ?? ((text: string) => text);
  const waiters = new Map<string, Set<(record: OutboxRecord) => void>>();
  let stopping: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const runningTurns = new Set<{ jobs: TurnJob[]; controller: AbortController }>();

  const settle = async (delivery: QueueDelivery, job: TurnJob, record: OutboxRecord, turnJobs = [job]) => {
    const stored = await outbox.put({ ...record, reply: redact(record.reply) });
    await queue.ack(delivery);
    for (const wake of waiters.get(job.id) ?? []) wake(stored);
    waiters.delete(job.id);
    try {
      options.onOutcome?.(stored, job, turnJobs);
    } catch {
      // delivery problems are the channel's to report
    }
  };

  const failed = (job: TurnJob, reply: string): OutboxRecord => ({
    key: job.id,
    sessionKey: job.sessionKey,
    ...(job.deliverTo && { deliverTo: job.deliverTo }),
    status: "failed",
    reply,
    usage: { inputTokens: 0, outputTokens: 0 },
    createdAt: clock.now(),
  });

  /** One turn for the deliveries of one session, collected while it waited. */
  const runBatch = async (deliveries: QueueDelivery[]): Promise<void> => {
    const work: Array<{ delivery: QueueDelivery; job: TurnJob }> = [];
    for (const delivery of deliveries) {
      const job = asTurnJob(delivery.body);
      if (!job) {
        log(
          "error",
          `dropping a queue message that is not a turn job: ${JSON.stringify(delivery.body).slice(0, 200)}`,
        );
        await queue.ack(delivery);
        continue;
      }
      if (work.some((w) => w.job.id === job.id)) {
        // The same job queued twice (a resend after the duplicate window): one turn, one outcome.
        await queue.ack(delivery);
        continue;
      }
      const done = await outbox.get(job.id);
      if (done) {
        // A crash between storing the outcome and the ack: deliver what is stored, never run again.
        await settle(delivery, job, done);
      } else if (delivery.attempts > maxAttempts) {
        log("error", `job ${job.id} failed ${maxAttempts} times; telling the user`);
        await settle(delivery, job, failed(job, FAILED_REPLY));
      } else {
        work.push({ delivery, job });
      }
    }
    // A heartbeat or reminder runs with its own prompt, model and channel: a person's message collected
    // with it gets a turn of its own (in order), not one that tells the model no person is writing.
    for (const part of partsByKind(work)) await runTurnOf(part);
  };

  const runTurnOf = async (work: Array<{ delivery: QueueDelivery; job: TurnJob }>): Promise<void> => {
    await options.intake?.quiet();
    const jobs = work.map((w) => w.job);
    const turn = { jobs, controller: new AbortController() };
    runningTurns.add(turn);
    try {
      const result = await options.runTurn({
        sessionKey: jobs[0]!.sessionKey,
        messages: jobs.map((j) => j.message),
        channel: jobs[0]!.channel,
        turnIds: jobs.map((j) => j.id),
        trust: jobs.map((j) => j.trust ?? OWNER_TRUST),
        ...(jobs[0]!.origin && { origin: jobs[0]!.origin }),
        ...(jobs[0]!.options && { options: jobs[0]!.options }),
        signal: turn.controller.signal,
        onEvent: (event) => options.onEvent?.(jobs, event),
      });
      for (const { delivery, job } of work) {
        await settle(
          delivery,
          job,
          {
            key: job.id,
            sessionKey: job.sessionKey,
            ...(job.deliverTo && { deliverTo: job.deliverTo }),
            status: "done",
            reply: result.reply,
            usage: result.usage,
            createdAt: clock.now(),
          },
          jobs,
        );
      }
    } catch (error) {
      // The provider's words may echo a key: they go to the log (redacted there), never to the chat.
      const message = failureDetail(error, redact);
      for (const { delivery, job } of work) {
        if (delivery.attempts >= maxAttempts) {
          log("error", `job ${job.id} failed for good: ${message}`);
          await settle(delivery, job, failed(job, failureReply(error)));
        } else {
          log(
            "warn",
            `job ${job.id} failed (attempt ${delivery.attempts} of ${maxAttempts}), retrying: ${message}`,
          );
          await queue.retry(delivery, retryDelayMs * delivery.attempts);
        }
      }
    } finally {
      runningTurns.delete(turn);
    }
  };

  const lanes = createLanes<QueueDelivery[], void>({
    maxConcurrent: options.maxConcurrent,
    run: (_group, batches) => runBatch(batches.flat()),
  });

  const drain = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      if (inFlight >= options.maxConcurrent) {
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
        continue;
      }
      let deliveries: QueueDelivery[];
      try {
        deliveries = await queue.receive({
          // Up to 10 even when few turns may start: messages of one session that arrived while its
          // turn ran come together and become one turn; the lanes keep the concurrency cap.
          max: 10,
          visibilityMs,
          waitMs: pollMs,
          signal,
        });
      } catch (error) {
        log("error", `receiving from the queue failed: ${(error as Error).message}`);
        await clock.sleep(1_000, signal).catch(() => {});
        continue;
      }
      if (signal.aborted) {
        // Stopping: hand back what was just taken, untouched, for the next start.
        for (const d of deliveries) await queue.retry(d, 0).catch(() => {});
        return;
      }
      const byGroup = new Map<string, QueueDelivery[]>();
      for (const d of deliveries) byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d]);
      for (const [group, batch] of byGroup) {
        inFlight++;
        lanes
          .submit(group, batch)
          .catch((error: unknown) => log("error", `turn for ${group} failed: ${(error as Error).message}`))
          .finally(() => {
            inFlight--;
            slotFreed?.();
            slotFreed = undefined;
          });
      }
    }
  };

  return {
    async submit(job) {
      return queue.enqueue({ group: job.sessionKey, dedupeId: job.id, body: job });
    },

    async outcome(id, signal) {
      const stored = await outbox.get(id);
      if (stored) return stored;
      return new Promise<OutboxRecord>((resolve, reject) => {
        const set = waiters.get(id) ?? new Set();
        const wake = (record: OutboxRecord) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(record);
        };
        const onAbort = () => {
          set.delete(wake);
          reject(signal?.reason);
        };
        set.add(wake);
        waiters.set(id, set);
        signal?.addEventListener("abort", onAbort, { once: true });
        // The outcome may have been stored between the first look and registering the waiter.
        void outbox.get(id).then((record) => record && wake(record));
      });
    },

    start() {
      if (loop) return;
      stopping = new AbortController();
      loop = drain(stopping.signal);
    },

    async stop() {
      stopping?.abort();
      slotFreed?.();
      await loop;
      await lanes.idle();
      loop = undefined;
    },

    abort({ jobId, sessionKey }) {
      let aborted = false;
      for (const turn of runningTurns) {
        const hit = turn.jobs.some(
          (j) => j.id === jobId || (sessionKey !== undefined && j.sessionKey === sessionKey),
        );
        if (hit) {
          turn.controller.abort(new Error("stopped by the user"));
          aborted = true;
        }
      }
      return aborted;
    },

    get running() {
      return lanes.running;
    },
  };
}

/** Consecutive jobs of the same kind (people's messages, or one kind of internal turn) share a turn. */
function partsByKind<T extends { job: TurnJob }>(work: T[]): T[][] {
  const kind = (job: TurnJob) => `${job.message.internal ?? "person"} ${JSON.stringify(job.options ?? {})}`;
  const parts: T[][] = [];
  for (const item of work) {
    const last = parts.at(-1);
    if (last && kind(last[0]!.job) === kind(item.job)) last.push(item);
    else parts.push([item]);
  }
  return parts;
}
