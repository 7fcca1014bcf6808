// What happens once a heartbeat turn's outcome is stored, in whichever process stored it: a reply that
// is only HEARTBEAT_OK is kept quiet, a checklist alert goes out at most once a day, the rest goes to
// the target through the outbox (under `<turnId>:alert`), and the cron runs whose events the turn
// relayed are recorded. Safe to run again after a crash: the stored alert and owned claims decide.
import { createHash } from "node:crypto";
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Outbox, OutboxRecord } from "../../ports/outbox.ts";
import type { CronRunRef } from "../cron/cron-job.ts";
import type { CronRunResult } from "../cron/cron-service.ts";
import type { TurnJob } from "../intake/turn-job.ts";
import type { DeliveryAddress } from "../messages.ts";
import type { HeartbeatSettings } from "./heartbeat.ts";
import { heartbeatDelivery } from "./heartbeat-text.ts";

/** What a heartbeat turn came to. */
export interface HeartbeatDone {
  ran: true;
  /** The heartbeat turn's job id (its alert is stored under `<turnId>:alert`). */
  turnId: string;
  reply: string;
  delivered: boolean;
  suppressed?: "ok" | "duplicate" | "no target" | "failed";
}

/** The same alert is not delivered twice within this long. */
export const ALERT_DEDUPE_MS = 24 * 60 * 60_000;

export interface HeartbeatAfterDeps {
  clock: Clock;
  outbox: Pick<Outbox, "get" | "put">;
  claims: Pick<Claims, "acquireLease" | "renewLease">;
  heartbeat(): Pick<HeartbeatSettings, "target" | "ackMaxChars">;
  lastRoute(): Promise<DeliveryAddress | undefined>;
  deliver(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): Promise<void>;
  finishRun(run: CronRunRef, result: CronRunResult): Promise<void>;
}

const summary = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

/** A relayed event's run: ok once the user was told (or the heartbeat chose silence), else not delivered. */
export function relayResult(outcome: HeartbeatDone): CronRunResult {
  if (outcome.delivered) return { ok: true, summary: summary(`relayed: ${outcome.reply}`) };
  switch (outcome.suppressed) {
    case "ok":
      return { ok: true, summary: "the heartbeat looked at it and had nothing to tell the user" };
    case "no target":
      // The owner chose no target: another try would only repeat the reminder in the main session.
      return {
        ok: false,
        error: 'not delivered: heartbeat.target is "none" (the reply is in the main session\'s history)',
        retry: false,
      };
    default:
      return { ok: false, error: summary(`not delivered: the heartbeat turn failed: ${outcome.reply}`) };
  }
}

/**
 * True when `owner` holds the claim on `key`: taken now, or taken by the same owner before a crash
 * (a plain claimOnce could not tell a re-run from somebody else's alert).
 */
async function ownClaim(claims: HeartbeatAfterDeps["claims"], key: string, owner: string, ttlMs: number) {
  const lease =
    (await claims.acquireLease(key, owner, ttlMs)) ??
    (await claims.renewLease({ key, owner, until: 0 }, ttlMs));
  return lease !== null;
}

async function relayAlert(
  deps: HeartbeatAfterDeps,
  record: OutboxRecord,
  job: TurnJob,
  checklistOnly: boolean,
): Promise<HeartbeatDone> {
  const base = { ran: true as const, turnId: job.id, reply: record.reply };
  if (record.status !== "done") return { ...base, delivered: false, suppressed: "failed" };
  const settings = deps.heartbeat();
  const text = heartbeatDelivery(record.reply, settings.ackMaxChars);
  if (text === null) return { ...base, delivered: false, suppressed: "ok" };
  const key = `${job.id}:alert`;
  let alert = await deps.outbox.get(key);
  if (!alert) {
    const target = settings.target;
    const to = target === "none" ? undefined : target === "last" ? await deps.lastRoute() : target;
    if (!to) return { ...base, delivered: false, suppressed: "no target" };
    const digest = createHash("sha256").update(text).digest("hex").slice(0, 32);
    // Only the checklist's findings repeat themselves; a reminder is asked for, every time it is due.
    if (
      checklistOnly &&
      !(await ownClaim(deps.claims, `heartbeat:alert:${digest}`, job.id, ALERT_DEDUPE_MS))
    ) {
      return { ...base, delivered: false, suppressed: "duplicate" };
    }
    // The web chat shows the main session: the turn is in its transcript and went out as a notice.
    if (to.channel === "web") return { ...base, delivered: true };
    alert = await deps.outbox.put({
      key,
      sessionKey: job.sessionKey,
      status: "done",
      reply: text,
      usage: { inputTokens: 0, outputTokens: 0 },
      createdAt: deps.clock.now(),
      deliverTo: to,
    });
  }
  const alertJob: TurnJob = { ...job, id: key, ...(alert.deliverTo && { deliverTo: alert.deliverTo }) };
  delete alertJob.after;
  await deps.deliver(alert, alertJob, [alertJob]);
  return { ...base, delivered: true };
}

/**
 * Relays the heartbeat turn's alert, then records the cron runs of the events it relayed. An alert the
 * channel would not take throws (to be tried again); on the last try its runs are recorded as not
 * delivered first, so that they are retried on their schedule rather than found stuck hours later.
 */
export async function finishHeartbeat(
  deps: HeartbeatAfterDeps,
  record: OutboxRecord,
  job: TurnJob,
  work: { events: Array<{ id: string; run?: CronRunRef }>; checklist: boolean },
  lastTry = false,
): Promise<HeartbeatDone> {
  const runs = work.events.flatMap((event) => (event.run ? [event.run] : []));
  let outcome: HeartbeatDone;
  try {
    outcome = await relayAlert(deps, record, job, work.events.length === 0);
  } catch (error) {
    if (lastTry) {
      const result = { ok: false as const, error: summary(`not delivered: ${(error as Error).message}`) };
      for (const run of runs) await deps.finishRun(run, result);
    }
    throw error;
  }
  for (const run of runs) await deps.finishRun(run, relayResult(outcome));
  return outcome;
}
