// The daemon's durable path from an accepted message to its one answer: jobs are enqueued before
// anyone is told "accepted", drained in per-session lanes, and each lane's deliveries go through
// processDeliveries (outcome stored before it is sent, after-turn work, delivery awaited, then ack).
// Local callers that want the answer (the /v1 API, the web chat relay) may wait for it in memory.
import type { Clock } from "../../ports/clock.ts";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import type { Queue, QueueDelivery } from "../../ports/queue.ts";
import type { AgentEvent } from "../agent/events.ts";
import { createLanes } from "../lanes/lanes.ts";
import type { TurnRequest, TurnResult } from "../turn/run-turn.ts";
import type { IntakeGate } from "./intake-gate.ts";
import { type DeliveryDeps, processDeliveries } from "./process-deliveries.ts";
import type { TurnJob } from "./turn-job.ts";

export interface JobRunnerOptions {
  queue: Queue;
  outbox: Outbox;
  clock: Clock;
  /** Runs one turn (runTurn with the engine's deps bound). */
  runTurn: (request: TurnRequest) => Promise<TurnResult>;
  /** Answers a bot command job without the model (default: none are queued, so none come). */
  runCommand?: (job: TurnJob) => Promise<string>;
  /** Sends a stored outcome to its channel; awaited; throws to have it retried (default: nothing to send). */
  deliver?: (record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]) => Promise<void>;
  /** The job's after-turn work (createAfterTurn); default: none. */
  afterTurn?: DeliveryDeps["afterTurn"];
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
  /** Waits before each next try of a delivery that failed (default 5, 30 and 120 s). */
  deliveryRetryDelaysMs?: readonly number[];
  /** When given, a turn starts only once this intake is quiet (acknowledgements before work). */
  intake?: IntakeGate;
  /** Contract: must not throw. Streams a turn's events to whoever watches its jobs. */
  onEvent?: (jobs: TurnJob[], event: AgentEvent) => void;
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
  const pollMs = options.pollMs ?? 60_000;
  const log = options.log ?? (() => {});
  const waiters = new Map<string, Set<(record: OutboxRecord) => void>>();
  let stopping: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const runningTurns = new Set<{ jobs: TurnJob[]; controller: AbortController }>();

  const deps: DeliveryDeps = {
    queue,
    // Whoever waits for an outcome hears of it as soon as it is stored.
    outbox: {
      get: (key) => outbox.get(key),
      async put(record) {
        const stored = await outbox.put(record);
        for (const wake of waiters.get(stored.key) ?? []) wake(stored);
        waiters.delete(stored.key);
        return stored;
      },
      markDelivered: (key, at) => outbox.markDelivered(key, at),
      undelivered: (limit) => outbox.undelivered(limit),
    },
    clock,
    runTurn: options.runTurn,
    runCommand:
      options.runCommand ??
      (async (job) => {
        throw new Error(`no channel answers the command /${job.command}`);
      }),
    deliver: options.deliver ?? (async () => {}),
    afterTurn: options.afterTurn ?? (async () => {}),
    maxAttempts: options.maxAttempts ?? 2,
    retryDelayMs: options.retryDelayMs ?? 2_000,
    ...(options.deliveryRetryDelaysMs && { deliveryRetryDelaysMs: options.deliveryRetryDelaysMs }),
    giveUp: "ack",
    onTurn(jobs, controller) {
      const turn = { jobs, controller };
      runningTurns.add(turn);
      return () => runningTurns.delete(turn);
    },
    log,
    ...(options.onEvent && { onEvent: options.onEvent }),
    ...(options.redact && { redact: options.redact }),
    ...(options.intake && { intake: options.intake }),
  };

  const lanes = createLanes<QueueDelivery[], void>({
    maxConcurrent: options.maxConcurrent,
    run: async (_group, batches) => {
      await processDeliveries(deps, batches.flat());
    },
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
