// POSTs an agent hook's outcome to the URL its caller gave. A failure the receiver may recover from
// throws, so the job's delivery is retried by the queue (its backoff, its attempts); the job id is
// the receiver's idempotency key for the rare repeat after a crash. The outbox marks it delivered.
import type { Clock } from "../../ports/clock.ts";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";

/** Where a callback goes, for messages: its path or query may be the receiver's secret (Slack-style URLs). */
const originOf = (url: string) => URL.parse(url)?.origin ?? "an unparseable URL";

export interface HookCallbackDeps {
  outbox: Pick<Outbox, "markDelivered">;
  clock: Clock;
  log(level: "info" | "warn" | "error", message: string): void;
  fetch?: typeof fetch;
  /** Aborts the request when the process stops. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Contract: resolves once delivered, or once the receiver refused it for good; throws to be retried. */
export async function postHookCallback(
  record: OutboxRecord,
  url: string,
  deps: HookCallbackDeps,
): Promise<void> {
  if (record.deliveredAt !== undefined) return;
  const { key: jobId, sessionKey, status, reply } = record;
  const where = originOf(url);
  const timeout = AbortSignal.timeout(deps.timeoutMs ?? 10_000);
  const response = await (deps.fetch ?? fetch)(url, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": jobId },
    body: JSON.stringify({ jobId, sessionKey, status, reply }),
    signal: deps.signal ? AbortSignal.any([timeout, deps.signal]) : timeout,
  }).catch((error: unknown) => {
    throw new Error(
      `hook delivery of ${jobId} to ${where} (path not shown) failed: ${(error as Error).message}`,
    );
  });
  await response.body?.cancel();
  if (response.ok) {
    await deps.outbox.markDelivered(jobId, deps.clock.now());
    return;
  }
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  if (retryable)
    throw new Error(`hook delivery of ${jobId} to ${where} (path not shown): HTTP ${response.status}`);
  deps.log(
    "error",
    `hook delivery of ${jobId} to ${where} (path not shown): HTTP ${response.status}; not trying again`,
  );
}
