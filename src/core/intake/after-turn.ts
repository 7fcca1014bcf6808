// What follows a turn, stored with its job so that whichever process stores the outcome does it: a
// cron run recorded, a heartbeat's alert relayed, a hook's callback POSTed. A crash between this and
// the ack runs it again, so each piece is idempotent (finishRun by run id, the alert by its outbox key,
// the callback by the receiver's idempotency key).
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CronStore } from "../../ports/cron-store.ts";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import type { CronRunRef } from "../cron/cron-job.ts";
import type { CronRunResult } from "../cron/cron-service.ts";
import { finishHeartbeat, type HeartbeatDone } from "../heartbeat/heartbeat-after-turn.ts";
import type { HeartbeatSettings } from "../heartbeat/heartbeat.ts";
import type { DeliveryAddress } from "../messages.ts";
import { postHookCallback } from "./hook-callback.ts";
import type { TurnJob } from "./turn-job.ts";

export type { CronRunRef };

export type AfterTurn =
  /** An isolated cron turn: its run is recorded from the outcome. */
  | {
      kind: "cronRun";
      run: CronRunRef;
      /** Added to the run's summary (why nothing was delivered). */
      note?: string;
      /** The reply goes on to this session as a system event the heartbeat relays (the web chat). */
      relay?: { sessionKey: string; name: string };
    }
  /** A heartbeat turn: its alert relayed (or suppressed), then the relayed events' cron runs recorded. */
  | { kind: "heartbeat"; events: Array<{ id: string; run?: CronRunRef }>; checklist: boolean }
  /** An agent hook: the outcome is POSTed to the URL its caller gave. */
  | { kind: "hookCallback"; url: string };

/** Which try this is: on the last, work that cannot finish says so where it is recorded (a cron run). */
export interface AfterTurnAttempt {
  lastTry: boolean;
}

export interface AfterTurnDeps {
  clock: Clock;
  outbox: Pick<Outbox, "get" | "put" | "markDelivered">;
  claims: Pick<Claims, "acquireLease" | "renewLease">;
  cron: Pick<CronStore, "postEvent">;
  heartbeat(): Pick<HeartbeatSettings, "target" | "ackMaxChars">;
  lastRoute(): Promise<DeliveryAddress | undefined>;
  /** The channels' delivery (the runner's): awaited; throws when the channel could not take it. */
  deliver(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): Promise<void>;
  /** CronService.finishRun: idempotent by run id. */
  finishRun(run: CronRunRef, result: CronRunResult): Promise<void>;
  /** A system event was posted: the heartbeat should run soon (awaited: a Lambda must not leave it behind). */
  wakeHeartbeat(reason: string): void | Promise<void>;
  /** Contract: must not throw. A heartbeat turn ended (the daemon shows the last beat). */
  onHeartbeat?(outcome: HeartbeatDone): void;
  /** Cuts a callback short when the process stops (the delivery is retried by the next start). */
  signal?: AbortSignal;
  fetch?: typeof fetch;
  log?(level: "info" | "warn" | "error", message: string): void;
}

const summary = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

export function createAfterTurn(
  deps: AfterTurnDeps,
): (record: OutboxRecord, job: TurnJob, attempt?: AfterTurnAttempt) => Promise<void> {
  const log = deps.log ?? (() => {});

  const cronRun = async (record: OutboxRecord, work: Extract<AfterTurn, { kind: "cronRun" }>) => {
    if (record.status !== "done") {
      await deps.finishRun(work.run, { ok: false, error: summary(record.reply) });
      return;
    }
    if (work.relay) {
      // The heartbeat of that session relays the reply; its after-turn records this run.
      const posted = await deps.cron.postEvent({
        id: `${work.run.runId}:reply`,
        sessionKey: work.relay.sessionKey,
        text: `Scheduled job "${work.relay.name}" finished; its reply: ${record.reply}`,
        at: deps.clock.now(),
        run: work.run,
      });
      if (posted) await deps.wakeHeartbeat(`cron ${work.run.jobId}`);
      return;
    }
    await deps.finishRun(work.run, { ok: true, summary: summary(record.reply) + (work.note ?? "") });
  };

  return async (record, job, attempt = { lastTry: false }) => {
    for (const work of job.after ?? []) {
      if (work.kind === "cronRun") await cronRun(record, work);
      else if (work.kind === "hookCallback") {
        await postHookCallback(record, work.url, {
          outbox: deps.outbox,
          clock: deps.clock,
          log,
          ...(deps.fetch && { fetch: deps.fetch }),
          ...(deps.signal && { signal: deps.signal }),
        });
      } else {
        const outcome = await finishHeartbeat(deps, record, job, work, attempt.lastTry);
        log(
          "info",
          `heartbeat: ${outcome.delivered ? "alert delivered" : `not delivered (${outcome.suppressed})`}`,
        );
        deps.onHeartbeat?.(outcome);
      }
    }
  };
}

const isRef = (value: unknown): value is CronRunRef => {
  const run = value as Partial<CronRunRef> | null;
  return (
    !!run &&
    typeof run.jobId === "string" &&
    typeof run.runId === "string" &&
    typeof run.dueAt === "number" &&
    typeof run.startedAt === "number"
  );
};

/** The after-turn work of a job read back from the queue: entries of an unknown shape are dropped. */
export function readAfterTurn(value: unknown): AfterTurn[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item: unknown): item is AfterTurn => {
    const work = item as Partial<Record<string, unknown>> | null;
    if (!work) return false;
    if (work["kind"] === "cronRun") return isRef(work["run"]);
    if (work["kind"] === "hookCallback") return typeof work["url"] === "string";
    if (work["kind"] === "heartbeat") {
      const events = work["events"];
      return (
        Array.isArray(events) &&
        events.every(
          (e: { id?: unknown; run?: unknown }) =>
            typeof e?.id === "string" && (e.run === undefined || isRef(e.run)),
        )
      );
    }
    return false;
  });
}
