// Delivers the outcome of an agent hook to the URL its caller gave: once the runner has stored the
// outcome, POST it, retrying with backoff. Pending deliveries are kept in <home>/hook-deliveries.json
// and the outbox marks what was delivered, so a restart neither loses nor repeats one.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { OutboxRecord } from "../ports/outbox.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import type { GatewayContext } from "./gateway-context.ts";

/** One outcome to deliver. */
export interface PendingDelivery {
  jobId: string;
  sessionKey: string;
  url: string;
}

export interface HookDeliveries {
  /** Starts delivering a job's outcome unless it is being or has been delivered. Contract: never throws. */
  ensure(delivery: PendingDelivery): Promise<void>;
  /** Whether a delivery is still pending for the job. */
  pending(jobId: string): boolean;
}

/** Waits between delivery attempts (the first attempt goes at once). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000, 120_000];

export function createHookDeliveries(
  ctx: GatewayContext,
  options: { retryDelaysMs?: readonly number[]; timeoutMs?: number } = {},
): HookDeliveries {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const file = join(ctx.assistant.paths.home, "hook-deliveries.json");
  const { outbox, clock } = ctx.assistant.ports;
  const pending = new Map<string, PendingDelivery>();
  let saving: Promise<void> = Promise.resolve();

  const save = () => {
    const snapshot = JSON.stringify([...pending.values()], null, 2);
    saving = saving
      .then(() => writeFileAtomic(file, `${snapshot}\n`))
      .catch((error: unknown) => {
        ctx.logs.log("error", `could not save ${file}: ${(error as Error).message}`);
      });
    return saving;
  };

  const post = async (
    delivery: PendingDelivery,
    record: OutboxRecord,
  ): Promise<"ok" | "retry" | "give up"> => {
    const { jobId, sessionKey, url } = delivery;
    try {
      const response = await fetch(url, {
        method: "POST",
        // The job id doubles as the receiver's idempotency key for the rare repeat after a crash.
        headers: { "content-type": "application/json", "idempotency-key": jobId },
        body: JSON.stringify({ jobId, sessionKey, status: record.status, reply: record.reply }),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ctx.shutdown]),
      });
      await response.body?.cancel();
      if (response.ok) return "ok";
      ctx.logs.log("warn", `hook delivery of ${jobId} to ${url}: HTTP ${response.status}`);
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      return retryable ? "retry" : "give up";
    } catch (error) {
      if (ctx.shutdown.aborted) throw error;
      ctx.logs.log("warn", `hook delivery of ${jobId} to ${url} failed: ${(error as Error).message}`);
      return "retry";
    }
  };

  const run = async (delivery: PendingDelivery) => {
    const { jobId, url } = delivery;
    try {
      const record = await ctx.runner.outcome(jobId, ctx.shutdown);
      if (record.deliveredAt === undefined) {
        for (let attempt = 0; ; attempt++) {
          const result = await post(delivery, record);
          if (result === "ok") {
            await outbox.markDelivered(jobId, clock.now());
            break;
          }
          if (result === "give up" || attempt >= delays.length) {
            ctx.logs.log(
              "error",
              `gave up delivering hook job ${jobId} to ${url} after ${attempt + 1} attempt(s)`,
            );
            break;
          }
          await clock.sleep(delays[attempt]!, ctx.shutdown);
        }
      }
      pending.delete(jobId);
      await save();
    } catch (error) {
      // A shutdown leaves the delivery in the file for the next start.
      if (!ctx.shutdown.aborted)
        ctx.logs.log("error", `hook delivery of ${jobId} broke: ${(error as Error).message}`);
    }
  };

  // Deliveries a previous run had not finished; new ones wait for this, so the file is read first.
  const loaded = readFile(file, "utf8")
    .then((text) => JSON.parse(text) as PendingDelivery[])
    .then(
      (saved) => {
        for (const delivery of saved) pending.set(delivery.jobId, delivery);
        if (saved.length > 0)
          ctx.logs.log("info", `resuming ${saved.length} hook deliver${saved.length > 1 ? "ies" : "y"}`);
        for (const delivery of saved) void run(delivery);
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") ctx.logs.log("error", `could not read ${file}: ${error.message}`);
      },
    );

  return {
    async ensure(delivery) {
      await loaded;
      if (pending.has(delivery.jobId)) return;
      try {
        if ((await outbox.get(delivery.jobId))?.deliveredAt !== undefined) return;
        if (pending.has(delivery.jobId)) return;
        pending.set(delivery.jobId, delivery);
        await save();
        void run(delivery);
      } catch (error) {
        ctx.logs.log(
          "error",
          `could not schedule hook delivery of ${delivery.jobId}: ${(error as Error).message}`,
        );
      }
    },
    pending: (jobId) => pending.has(jobId),
  };
}
