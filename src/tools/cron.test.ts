import { afterEach, describe, expect, it } from "vitest";
import { openStateDb } from "../adapters/sqlite/db.ts";
import { createTimerAlarm } from "../adapters/local/timer-alarm.ts";
import { createSqliteClaims } from "../adapters/sqlite/claims.ts";
import { createSqliteCronStore } from "../adapters/sqlite/cron-store.ts";
import type { CronScope } from "../core/cron/cron-input.ts";
import { createCronService } from "../core/cron/cron-service.ts";
import { createFakeClock } from "../util/fake-clock.ts";
import { createCronTool } from "./cron.ts";
import { toolContext } from "./testing/tool-context.ts";
import type { ToolContext } from "./tool.ts";

const tool = createCronTool();
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const CHAT: CronScope = {
  kind: "chat",
  origin: { channel: "telegram", account: "default", chatId: "42" },
  deliverAnywhere: false,
};

/** A tool context whose turn came from `scope`, over one shared service. */
function contexts() {
  const db = openStateDb(":memory:");
  closers.push(() => db.close());
  const clock = createFakeClock();
  let n = 0;
  const store = createSqliteCronStore({ db, clock });
  const service = createCronService({
    store,
    alarm: createTimerAlarm({ store, clock, stuckMs: 60 * 60_000 }),
    claims: createSqliteClaims({ db, clock }),
    clock,
    timeZone: () => "Europe/Berlin",
    newId: () => `j${++n}`,
  });
  const as = (scope: CronScope): ToolContext => ({ ...toolContext(), cron: { service, scope } });
  return { service, owner: as({ kind: "owner" }), chat: as(CHAT) };
}

describe("the cron tool", () => {
  it("adds a reminder and tells the model when it runs, in the user's time zone", async () => {
    const { chat, service } = contexts();
    const result = await tool.run(
      { action: "add", at: "in 20m", systemEvent: "Remind the user to stretch" },
      chat,
    );
    // The fake clock starts at 09:00 UTC, 10:00 in Berlin.
    expect(result).toEqual({
      text: 'Scheduled. j1: Remind the user to stretch · at 2026-11-22 10:20:00 Europe/Berlin · system event "Remind the user to stretch" · scheduled · next 2026-11-22 10:20:00 Europe/Berlin',
    });
    expect((await service.list({ kind: "owner" }))[0]?.origin).toEqual(CHAT.kind === "chat" && CHAT.origin);
  });

  it("explains mistakes so the model can fix its call", async () => {
    const { chat } = contexts();
    const cases: Array<[Parameters<typeof tool.run>[0], RegExp]> = [
      [{ action: "add", systemEvent: "x" }, /Say when: "at"/],
      [{ action: "add", at: "in 5m" }, /Say what to do: "systemEvent"/],
      [{ action: "add", at: "in 5m", every: "1h", systemEvent: "x" }, /only one of "at", "every" and "cron"/],
      [{ action: "add", cron: "0 25 * * *", systemEvent: "x" }, /not a valid cron expression/],
      [{ action: "add", at: "in 5m", systemEvent: "x", message: "y" }, /not both/],
      [{ action: "add", at: "in 5m", message: "y", deliver: "last" }, /can only deliver to that chat/],
      [{ action: "add", at: "in 5m", systemEvent: " " }, /systemEvent: the system event is empty/],
      [{ action: "remove" }, /"remove" needs the job's "id"/],
      [{ action: "runs", id: "nope" }, /no cron job "nope" made in this chat/],
    ];
    for (const [input, message] of cases) {
      const result = await tool.run(input, chat);
      expect(result.isError, JSON.stringify(input)).toBe(true);
      expect(result.text).toMatch(message);
    }
  });

  it("shows a chat only its own jobs, and lets it pause, run and remove them", async () => {
    const { owner, chat } = contexts();
    await tool.run({ action: "add", every: "1d", systemEvent: "owner's backup check" }, owner);
    await tool.run({ action: "add", every: "1h", systemEvent: "drink water", name: "water" }, chat);
    expect((await tool.run({ action: "list" }, chat)).text).toMatch(/^j2: water · every 1h/);
    expect((await tool.run({ action: "list" }, owner)).text.split("\n")).toHaveLength(2);
    expect((await tool.run({ action: "update", id: "j2", enabled: false }, chat)).text).toMatch(/· paused/);
    expect((await tool.run({ action: "remove", id: "j1" }, chat)).isError).toBe(true);
    expect((await tool.run({ action: "run", id: "j2" }, chat)).isError).toBe(true); // paused, not run by a gateway here
    expect((await tool.run({ action: "update", id: "j2", enabled: true }, chat)).text).toMatch(/· scheduled/);
    expect((await tool.run({ action: "run", id: "j2" }, chat)).text).toMatch(
      /will run as soon as the gateway/,
    );
    expect((await tool.run({ action: "runs", id: "j2" }, chat)).text).toBe("It has not run yet.");
    expect(await tool.run({ action: "remove", id: "j2" }, chat)).toEqual({ text: "Removed job j2." });
    expect((await tool.run({ action: "list" }, chat)).text).toBe("No scheduled jobs.");
  });

  it("says so where no jobs are kept", async () => {
    const result = await tool.run({ action: "list" }, toolContext());
    expect(result).toEqual({ text: "Scheduled jobs are not available here.", isError: true });
  });
});
