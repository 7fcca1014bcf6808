// The heartbeat with a fake clock: no model call for an empty checklist, HEARTBEAT_OK suppressed,
// one alert a day, active hours, coalesced wakes, and the cheaper model with the light prompt.
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteClaims } from "../../src/adapters/sqlite/claims.ts";
import { openStateDb } from "../../src/adapters/sqlite/db.ts";
import { createSqliteScheduler } from "../../src/adapters/sqlite/scheduler.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";
import { createFakeClock } from "../../src/util/fake-clock.ts";
import type { TurnJob } from "../../src/core/intake/turn-job.ts";
import type { DeliveryAddress } from "../../src/core/messages.ts";
import {
  createHeartbeat,
  type HeartbeatSettings,
  WAKE_COALESCE_MS,
} from "../../src/core/heartbeat/heartbeat.ts";
import { hasActionableContent, heartbeatDelivery } from "../../src/core/heartbeat/heartbeat-text.ts";
import { settle } from "./settle.ts";

const MIN = 60_000;
const MAIN = "agent:main:main";
const OWNER_CHAT: DeliveryAddress = { channel: "telegram", account: "default", chatId: "7" };
const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

function world(
  options: {
    checklist?: string | null;
    settings?: Partial<HeartbeatSettings>;
    replies?: string[];
    deliverError?: string;
  } = {},
) {
  const db = openStateDb(":memory:");
  // 2026-11-22 09:00 UTC is 10:00 in Berlin.
  const clock = createFakeClock();
  const scheduler = createSqliteScheduler({ db, clock });
  const claims = createSqliteClaims({ db, clock });
  const turns: TurnJob[] = [];
  const delivered: Array<{ to: DeliveryAddress; text: string }> = [];
  const replies = options.replies ?? [];
  const checklist = {
    text: options.checklist === undefined ? "- Check the calendar for today." : options.checklist,
  };
  const settings: HeartbeatSettings = {
    enabled: true,
    everyMs: 30 * MIN,
    timeZone: "Europe/Berlin",
    target: "last",
    ackMaxChars: 30,
    ...options.settings,
  };
  const heartbeat = createHeartbeat({
    clock,
    settings: () => settings,
    sessionKey: MAIN,
    readChecklist: async () => checklist.text,
    scheduler,
    submit: async (job: TurnJob) => {
      turns.push(job);
    },
    outcome: async (id): Promise<OutboxRecord> => ({
      key: id,
      sessionKey: MAIN,
      status: "done",
      reply: replies.shift() ?? "HEARTBEAT_OK",
      usage: { inputTokens: 1, outputTokens: 1 },
      createdAt: clock.now(),
    }),
    claimOnce: (key, ttl) => claims.claimOnce(key, ttl),
    lastRoute: async () => OWNER_CHAT,
    deliver: async (to, text) => {
      if (options.deliverError) throw new Error(options.deliverError);
      delivered.push({ to, text });
    },
  });
  const start = () => {
    const stop = new AbortController();
    stops.push(stop);
    heartbeat.start(stop.signal);
  };
  return { clock, scheduler, heartbeat, turns, delivered, checklist, settings, start };
}

describe("the heartbeat's text", () => {
  it("finds nothing to do in headings, comments and empty items", () => {
    for (const empty of [
      null,
      "",
      "# HEARTBEAT.md\n\n# Keep this file empty\n",
      "<!-- later -->\n- \n- [ ]\n---\n",
    ]) {
      expect(hasActionableContent(empty)).toBe(false);
    }
    expect(hasActionableContent("# Checks\n- Look at the weather")).toBe(true);
  });

  it("suppresses HEARTBEAT_OK alone or with a little else, and delivers the rest", () => {
    expect(heartbeatDelivery("HEARTBEAT_OK", 30)).toBeNull();
    expect(heartbeatDelivery("  **HEARTBEAT_OK**  ", 30)).toBeNull();
    expect(heartbeatDelivery("All quiet. HEARTBEAT_OK", 30)).toBeNull();
    expect(heartbeatDelivery("HEARTBEAT_OK. Nothing new today.", 30)).toBeNull();
    const alert = "Your 14:00 meeting moved to 15:00 and the train is late.";
    expect(heartbeatDelivery(`HEARTBEAT_OK ${alert}`, 30)).toBe(alert);
    expect(heartbeatDelivery(alert, 30)).toBe(alert);
  });
});

describe("the heartbeat", () => {
  it("makes no model call when HEARTBEAT.md has nothing to do", async () => {
    const w = world({ checklist: "# HEARTBEAT.md\n\n# Keep this file empty (or only comments).\n" });
    w.start();
    await w.clock.advance(30 * MIN);
    await settle();
    expect(w.turns).toEqual([]);
    expect(w.heartbeat.last?.outcome).toEqual({ ran: false, reason: "nothing to check" });
  });

  it("beats every N minutes in the main session with the light prompt and the heartbeat model", async () => {
    const w = world({ settings: { model: "openai-compatible/small" } });
    const t0 = w.clock.now();
    w.start();
    await w.clock.advance(30 * MIN);
    await settle();
    await w.clock.advance(30 * MIN);
    await settle();
    expect(w.turns.map((t) => t.message.at - t0)).toEqual([30 * MIN, 60 * MIN]);
    expect(w.turns[0]).toMatchObject({
      sessionKey: MAIN,
      options: { light: true, model: "openai-compatible/small" },
      channel: { channel: "heartbeat" },
    });
    expect(w.turns[0]!.message.text).toContain("Go through HEARTBEAT.md");
    expect(w.turns[0]!.message.text).toContain("reply with exactly HEARTBEAT_OK");
    expect(w.delivered).toEqual([]);
  });

  it("delivers an alert to the last chat, not the same one twice within 24 hours", async () => {
    const alert = "The parcel tracking says delivery failed; call the depot.";
    const w = world({ replies: ["HEARTBEAT_OK", alert, alert, alert, alert] });
    for (let i = 0; i < 2; i++) await w.heartbeat.beat("manual");
    expect(w.delivered).toEqual([{ to: OWNER_CHAT, text: alert }]);
    await w.clock.advance(24 * 60 * MIN - 1);
    await w.heartbeat.beat("manual");
    expect(w.delivered).toHaveLength(1);
    expect(w.heartbeat.last?.outcome).toMatchObject({ ran: true, delivered: false, suppressed: "duplicate" });
    await w.clock.advance(1);
    await w.heartbeat.beat("manual");
    expect(w.delivered).toHaveLength(2);
  });

  it("keeps periodic beats to active hours and starts again when they begin", async () => {
    // 10:00 in Berlin now; active 08:00-10:20, so the 10:30 beat waits for 08:00 tomorrow.
    const w = world({ settings: { activeHours: { start: "08:00", end: "10:20" } } });
    w.start();
    await w.clock.advance(0);
    expect(new Date(w.heartbeat.nextAt!).toISOString()).toBe("2026-11-23T07:00:00.000Z");
    await w.clock.advance(22 * 60 * MIN);
    await settle();
    expect(w.turns).toHaveLength(1);
    expect(new Date(w.turns[0]!.message.at).toISOString()).toBe("2026-11-23T07:00:00.000Z");
  });

  it("marks its turn as a reminder when it relays events, and as a heartbeat when it only checks", async () => {
    const w = world();
    await w.heartbeat.beat("manual");
    await w.scheduler.postEvent({ id: "e1", sessionKey: MAIN, text: "Stretch", at: 0 });
    await w.heartbeat.beat("manual");
    expect(w.turns.map((t) => t.message.internal)).toEqual(["heartbeat", "reminder"]);
  });

  it("relays a reminder every time it is due, the same words within 24 hours too", async () => {
    const w = world({ replies: ["Time to stretch!", "Time to stretch!"] });
    for (const id of ["e1", "e2"]) {
      await w.scheduler.postEvent({ id, sessionKey: MAIN, text: "Stretch", at: w.clock.now() });
      await w.heartbeat.beat("manual");
      await w.clock.advance(60 * MIN);
    }
    expect(w.delivered.map((d) => d.text)).toEqual(["Time to stretch!", "Time to stretch!"]);
  });

  it("tells whoever follows an event what became of it, and a failure too", async () => {
    const w = world({ replies: ["Time to stretch!"] });
    const followed = w.heartbeat.follow("e1");
    await w.scheduler.postEvent({ id: "e1", sessionKey: MAIN, text: "Stretch", at: 0 });
    await w.heartbeat.beat("manual");
    await expect(followed.outcome).resolves.toMatchObject({
      ran: true,
      delivered: true,
      reply: "Time to stretch!",
    });

    const broken = world({ replies: ["Time to stretch!"], deliverError: "the outbox is full" });
    const failing = broken.heartbeat.follow("e2");
    await broken.scheduler.postEvent({ id: "e2", sessionKey: MAIN, text: "Stretch", at: 0 });
    await expect(broken.heartbeat.beat("manual")).rejects.toThrow("the outbox is full");
    await expect(failing.outcome).rejects.toThrow("the outbox is full");
  });

  it("wakes early for system events, once for wakes close together, also with an empty checklist", async () => {
    const w = world({ checklist: "", replies: ["Reminder: stretch! And the backup finished."] });
    await w.scheduler.postEvent({ id: "e1", sessionKey: MAIN, text: "Remind the user to stretch", at: 0 });
    w.heartbeat.wake("cron");
    await w.clock.advance(100);
    await w.scheduler.postEvent({ id: "e2", sessionKey: MAIN, text: "backup finished", at: 0 });
    w.heartbeat.wake("hook");
    await w.clock.advance(WAKE_COALESCE_MS - 100);
    await settle();
    expect(w.turns).toHaveLength(1);
    expect(w.turns[0]!.message.text).toContain("- Remind the user to stretch\n- backup finished");
    expect(w.turns[0]!.message.text).not.toContain("HEARTBEAT.md");
    expect(await w.scheduler.events(MAIN)).toEqual([]);
    expect(w.delivered).toEqual([{ to: OWNER_CHAT, text: "Reminder: stretch! And the backup finished." }]);
    // Nothing waiting: a later wake looks, and makes no call.
    w.heartbeat.wake("again");
    await w.clock.advance(WAKE_COALESCE_MS);
    await settle();
    expect(w.turns).toHaveLength(1);
    expect(w.heartbeat.last).toEqual({
      at: w.clock.now(),
      outcome: { ran: false, reason: "nothing to check" },
    });
  });
});
