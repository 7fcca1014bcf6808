// The heartbeat: every N minutes inside active hours, and early (coalesced) when a system event
// arrives, one turn in the main session with HEARTBEAT.md and the waiting events. No checklist and
// no events means no model call; a reply that is only HEARTBEAT_OK, or a checklist alert already
// delivered in the last 24 h, is not delivered. Whoever posted an event can follow what became of it.
import { createHash } from "node:crypto";
import type { Clock } from "../../ports/clock.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { Scheduler } from "../../ports/scheduler.ts";
import { formatInZone } from "../cron/schedule.ts";
import { internalTurnJob, type TurnJob } from "../intake/turn-job.ts";
import type { ChannelContext, DeliveryAddress } from "../messages.ts";
import { type ActiveHours, isActive, nextActive } from "./active-hours.ts";
import { createEventFollowers, type EventFollow } from "./event-followers.ts";
import { hasActionableContent, heartbeatDelivery, heartbeatPrompt } from "./heartbeat-text.ts";

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
  scheduler: Pick<Scheduler, "events" | "dropEvents">;
  /** Queues a turn durably (the job runner's submit) … */
  submit: (job: TurnJob) => Promise<unknown>;
  /** … and resolves with its stored outcome. */
  outcome: (id: string) => Promise<OutboxRecord>;
  /** Claims a key for ttlMs; false when it was claimed already (the alert was sent). */
  claimOnce: (key: string, ttlMs: number) => Promise<boolean>;
  lastRoute: () => Promise<DeliveryAddress | undefined>;
  /** Delivers an alert durably; `key` is its idempotency key (one alert per heartbeat turn). */
  deliver: (to: DeliveryAddress, text: string, key: string) => Promise<void>;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export type HeartbeatOutcome =
  | { ran: false; reason: "disabled" | "outside active hours" | "nothing to check" }
  | {
      ran: true;
      /** The heartbeat turn's job id (its alert is stored under `<turnId>:alert`). */
      turnId: string;
      reply: string;
      delivered: boolean;
      suppressed?: "ok" | "duplicate" | "no target" | "failed";
    };

/** Wakes within this long are one heartbeat. */
export const WAKE_COALESCE_MS = 250;
/** The same alert is not delivered twice within this long. */
export const ALERT_DEDUPE_MS = 24 * 60 * 60_000;

const HEARTBEAT_CHANNEL: ChannelContext = {
  channel: "heartbeat",
  chatKind: "dm",
  description: "a heartbeat: the assistant checking in on its own, not a message from the user",
  interactive: false,
};

export interface Heartbeat {
  /**
   * Follows a system event: `outcome` resolves with the outcome of the beat that took it (rejects when
   * that beat broke after taking it). Call it before posting the event; `cancel` stops following.
   */
  follow(eventId: string): EventFollow;
  /** Runs periodic beats until `signal` aborts. */
  start(signal: AbortSignal): void;
  /** A system event arrived: beat soon, once for all wakes within WAKE_COALESCE_MS. */
  wake(reason: string): void;
  /** One beat now. */
  beat(reason: "interval" | "wake" | "manual"): Promise<HeartbeatOutcome>;
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
  let beating: Promise<HeartbeatOutcome> | undefined;
  const followers = createEventFollowers();

  /** One beat; the ids of the events it took are pushed onto `taken` as soon as they are taken. */
  async function beatOnce(
    reason: "interval" | "wake" | "manual",
    taken: string[],
  ): Promise<HeartbeatOutcome> {
    const s = deps.settings();
    if (reason === "interval" && !s.enabled) return { ran: false, reason: "disabled" };
    const now = clock.now();
    const events = await deps.scheduler.events(deps.sessionKey);
    // Active hours hold back the periodic checklist, not events someone asked to hear about.
    if (reason === "interval" && s.activeHours && !isActive(now, s.activeHours, s.timeZone)) {
      return { ran: false, reason: "outside active hours" };
    }
    const checklist = hasActionableContent(await deps.readChecklist());
    if (!checklist && events.length === 0) return { ran: false, reason: "nothing to check" };
    const id = `heartbeat:${now}`;
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
    });
    await deps.submit(job);
    // The events are in the queued turn now; a crash before this line shows them again next time.
    await deps.scheduler.dropEvents(events.map((e) => e.id));
    taken.push(...events.map((e) => e.id));
    const record = await deps.outcome(id);
    if (record.status !== "done") {
      log("warn", `heartbeat: the turn failed: ${record.reply}`);
      return { ran: true, turnId: id, reply: record.reply, delivered: false, suppressed: "failed" };
    }
    const text = heartbeatDelivery(record.reply, s.ackMaxChars);
    if (text === null)
      return { ran: true, turnId: id, reply: record.reply, delivered: false, suppressed: "ok" };
    const to = s.target === "none" ? undefined : s.target === "last" ? await deps.lastRoute() : s.target;
    if (!to) return { ran: true, turnId: id, reply: record.reply, delivered: false, suppressed: "no target" };
    const digest = createHash("sha256").update(text).digest("hex").slice(0, 32);
    // Only the checklist's findings repeat themselves; a reminder is asked for, every time it is due.
    if (events.length === 0 && !(await deps.claimOnce(`heartbeat:alert:${digest}`, ALERT_DEDUPE_MS))) {
      return { ran: true, turnId: id, reply: record.reply, delivered: false, suppressed: "duplicate" };
    }
    await deps.deliver(to, text, `${id}:alert`);
    return { ran: true, turnId: id, reply: record.reply, delivered: true };
  }

  const beat = async (reason: "interval" | "wake" | "manual"): Promise<HeartbeatOutcome> => {
    // One beat at a time; a wake during a beat gets a beat of its own after it.
    while (beating) await beating.catch(() => {});
    const taken: string[] = [];
    beating = beatOnce(reason, taken);
    try {
      const outcome = await beating.catch((error: unknown) => {
        followers.tell(taken, error instanceof Error ? error : new Error(String(error)));
        throw error;
      });
      followers.tell(taken, outcome);
      last = { at: clock.now(), outcome };
      if (outcome.ran)
        log(
          "info",
          `heartbeat (${reason}): ${outcome.delivered ? "alert delivered" : `not delivered (${outcome.suppressed})`}`,
        );
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
    follow: followers.follow,
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
