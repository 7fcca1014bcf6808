// The heartbeat: every N minutes inside active hours, and early (coalesced) when a system event
// arrives, one turn in the main session with HEARTBEAT.md and the waiting events. No checklist and
// no events means no model call. A beat only queues its turn: what to deliver, and recording the cron
// runs it relayed, is the turn's after-turn work (heartbeat-after-turn.ts), done wherever it ends.
import { randomUUID } from "node:crypto";
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CronStore } from "../../ports/cron-store.ts";
import { formatInZone } from "../cron/schedule.ts";
import { internalTurnJob, type TurnJob } from "../intake/turn-job.ts";
import type { ChannelContext, DeliveryAddress } from "../messages.ts";
import { type ActiveHours, isActive, nextActive } from "./active-hours.ts";
import type { HeartbeatDone } from "./heartbeat-after-turn.ts";
import { withEventLease } from "./event-lease.ts";
import { hasActionableContent, heartbeatPrompt } from "./heartbeat-text.ts";

export { ALERT_DEDUPE_MS, type HeartbeatDone } from "./heartbeat-after-turn.ts";

export interface HeartbeatSettings {
  /** Periodic beats; wakes by system events work also when this is off. */
  enabled: boolean;
  everyMs: number;
  activeHours?: ActiveHours;
  /** Read only when needed: with active hours, and for a beat's prompt. */
  readonly timeZone: string;
  /** A model ref for heartbeat turns (a cheaper one), else the assistant's. */
  model?: string;
  /** Where alerts go: the chat the user last wrote from, nowhere (kept in the session), or a chat. */
  target: "last" | "none" | DeliveryAddress;
  /** A reply of HEARTBEAT_OK with at most this many other characters is not delivered. */
  ackMaxChars: number;
}

export interface HeartbeatDeps {
  clock: Clock;
  settings: () => HeartbeatSettings;
  /** The main session, where heartbeats run. */
  sessionKey: string;
  readChecklist: () => Promise<string | null>;
  cron: Pick<CronStore, "events" | "dropEvents">;
  /** Takes the events under a lease, so that two processes beating at once never relay one twice. */
  claims: Pick<Claims, "acquireLease" | "releaseLease">;
  /** Queues a turn durably (false: a job with this id was queued before); its after-turn does the rest. */
  submit: (job: TurnJob) => Promise<boolean>;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

/** What a beat did: nothing (and why), or queued its turn (what that turn came to follows later). */
export type BeatResult =
  | { ran: false; reason: "disabled" | "outside active hours" | "nothing to check" }
  | { ran: true; queued: true; turnId: string };

/** The last beat: as beat() left it, then as its turn's after-turn work ended it. */
export type HeartbeatOutcome = BeatResult | HeartbeatDone;

/** Wakes within this long are one heartbeat. */
export const WAKE_COALESCE_MS = 250;

const HEARTBEAT_CHANNEL: ChannelContext = {
  channel: "heartbeat",
  chatKind: "dm",
  description: "a heartbeat: the assistant checking in on its own, not a message from the user",
  interactive: false,
};

export interface Heartbeat {
  /** Runs periodic beats until `signal` aborts. */
  start(signal: AbortSignal): void;
  /** A system event arrived: beat soon, once for all wakes within WAKE_COALESCE_MS. */
  wake(reason: string): void;
  /**
   * One beat now: queues its turn (with the events waiting) and returns; the turn's after-turn work
   * relays its alert. `at` names the beat (its turn id): a schedule's slot, so a firing delivered
   * twice queues one turn.
   */
  beat(reason: "interval" | "wake" | "manual", options?: { at?: number }): Promise<BeatResult>;
  /** Contract: must not throw. A heartbeat turn's after-turn work ended (in this process). */
  settled(outcome: HeartbeatDone): void;
  /** What the turn `turnId` came to, once its after-turn work ends in this process (the web UI's "run now"). */
  outcome(turnId: string, signal?: AbortSignal): Promise<HeartbeatDone>;
  /** Settings changed: the next periodic beat is worked out again. */
  reconfigure(): void;
  /** When the next periodic beat is due (undefined when off). */
  readonly nextAt: number | undefined;
  readonly last: { at: number; outcome: HeartbeatOutcome } | undefined;
}

export function createHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const { clock } = deps;
  const log = deps.log ?? (() => {});
  let nextAt: number | undefined;
  let last: { at: number; outcome: HeartbeatOutcome } | undefined;
  let sleeping: AbortController | undefined;
  let waking = false;
  let beating: Promise<BeatResult> | undefined;
  const waiting = new Map<string, Set<(outcome: HeartbeatDone) => void>>();

  async function beatOnce(reason: "interval" | "wake" | "manual", at?: number): Promise<BeatResult> {
    const s = deps.settings();
    if (reason === "interval" && !s.enabled) return { ran: false, reason: "disabled" };
    const now = clock.now();
    // Active hours hold back the periodic checklist, not events someone asked to hear about (they wake it).
    if (reason === "interval" && s.activeHours && !isActive(now, s.activeHours, s.timeZone)) {
      return { ran: false, reason: "outside active hours" };
    }
    const checklist = hasActionableContent(await deps.readChecklist());
    // An idle beat costs two reads and no write: the lease is taken only when there is work.
    if (!checklist && (await deps.cron.events(deps.sessionKey)).length === 0) {
      return { ran: false, reason: "nothing to check" };
    }
    const id = `heartbeat:${at ?? now}`;
    return withEventLease(deps, `${id}#${randomUUID()}`, async (): Promise<BeatResult> => {
      const events = await deps.cron.events(deps.sessionKey);
      if (!checklist && events.length === 0) return { ran: false, reason: "nothing to check" };
      const job = internalTurnJob({
        id,
        sessionKey: deps.sessionKey,
        channel: HEARTBEAT_CHANNEL,
        sender: "heartbeat",
        chatId: deps.sessionKey,
        text: heartbeatPrompt({
          now: formatInZone(now, s.timeZone),
          events: events.map((e) => e.text),
          checklist,
        }),
        at: now,
        // With events it relays something someone asked to hear about: a reminder.
        origin: events.length > 0 ? "reminder" : "heartbeat",
        options: { light: true, ...(s.model && { model: s.model }) },
        after: [
          {
            kind: "heartbeat",
            events: events.map((e) => ({ id: e.id, ...(e.run && { run: e.run }) })),
            checklist,
          },
        ],
      });
      // A beat of this name was queued already (a firing delivered twice): the events wait for the next.
      if (!(await deps.submit(job))) return { ran: true, queued: true, turnId: id };
      // The events are in the queued turn now; a crash before this line shows them again next time.
      await deps.cron.dropEvents(events.map((e) => e.id));
      return { ran: true, queued: true, turnId: id };
    });
  }

  const beat = async (reason: "interval" | "wake" | "manual", options: { at?: number } = {}) => {
    // One beat at a time; a wake during a beat gets a beat of its own after it.
    while (beating) await beating.catch(() => {});
    beating = beatOnce(reason, options.at);
    try {
      const outcome = await beating;
      last = { at: clock.now(), outcome };
      if (outcome.ran) log("info", `heartbeat (${reason}): turn ${outcome.turnId} queued`);
      return outcome;
    } finally {
      beating = undefined;
    }
  };

  const heartbeat: Heartbeat = {
    get nextAt() {
      return nextAt;
    },
    get last() {
      return last;
    },
    beat,
    settled(outcome) {
      last = { at: clock.now(), outcome };
      for (const wake of waiting.get(outcome.turnId) ?? []) wake(outcome);
      waiting.delete(outcome.turnId);
    },
    outcome(turnId, signal) {
      const done = last?.outcome;
      if (done && "reply" in done && done.turnId === turnId) return Promise.resolve(done);
      return new Promise<HeartbeatDone>((resolve, reject) => {
        const set = waiting.get(turnId) ?? new Set();
        const onAbort = () => {
          set.delete(wake);
          reject(signal?.reason);
        };
        const wake = (outcome: HeartbeatDone) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(outcome);
        };
        set.add(wake);
        waiting.set(turnId, set);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    wake(reason) {
      if (waking) return;
      waking = true;
      void clock
        .sleep(WAKE_COALESCE_MS)
        .then(() => {
          waking = false;
          return beat("wake");
        })
        .catch((error: unknown) => log("error", `heartbeat (${reason}) failed: ${(error as Error).message}`));
    },
    reconfigure() {
      sleeping?.abort();
    },
    start(signal) {
      void (async () => {
        let from = clock.now();
        while (!signal.aborted) {
          const s = deps.settings();
          const controller = new AbortController();
          sleeping = controller;
          const stop = () => controller.abort();
          signal.addEventListener("abort", stop, { once: true });
          try {
            if (!s.enabled) {
              nextAt = undefined;
              await new Promise<void>((resolve) =>
                controller.signal.addEventListener("abort", () => resolve(), { once: true }),
              );
              continue;
            }
            const due = Math.max(from + s.everyMs, clock.now());
            // The zone only matters with active hours (asking for it can load ICU's zone data).
            nextAt = s.activeHours ? nextActive(due, s.activeHours, s.timeZone) : due;
            const slept = await clock.sleep(nextAt - clock.now(), controller.signal).then(
              () => true,
              () => false,
            );
            if (!slept) continue; // settings changed or stopping: work the next beat out again
            from = clock.now();
            await beat("interval").catch((error: unknown) =>
              log("error", `heartbeat failed: ${(error as Error).message}`),
            );
          } finally {
            signal.removeEventListener("abort", stop);
          }
        }
        nextAt = undefined;
      })();
    },
  };
  return heartbeat;
}
