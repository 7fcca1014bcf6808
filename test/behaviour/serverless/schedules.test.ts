// Schedules on every engine, in a time zone: `at`, `every` and `cron` jobs fire and deliver once,
// also when the scheduler delivers a firing twice; an idle heartbeat makes no model call. Times are
// at most a minute ahead: an engine on real time (aws) runs a firing only that close to its slot.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_TEMPLATES } from "../../../src/core/workspace/templates.ts";
import { createFakeClock } from "../../../src/util/fake-clock.ts";
import { freshChats, repliesTo, type ScheduleWorld, waitForReplies } from "./chat-world.ts";
import { worlds } from "./worlds.ts";

const ZONE = "Europe/Paris";
/** Sunday 22 November 2026, 06:00 UTC (07:00 in Paris): where the daemon's fake clock starts. */
const START = Date.UTC(2026, 10, 22, 6, 0);
const HOUR = 60 * 60_000;

/** "YYYY-MM-DD HH:MM:SS" in Paris, as a person writes an `at` time. */
const wallClock = (ms: number) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, dateStyle: "short", timeStyle: "medium" }).format(ms);

describe.each(worlds)("schedules on the $name engine", { timeout: 60_000 }, (kind) => {
  let world: ScheduleWorld;
  /** Jobs a test made: removed after it, so that none fires into a later test. */
  const made: string[] = [];
  afterEach(async () => {
    for (const id of made.splice(0)) await world.removeJob(id);
  });
  beforeAll(async () => {
    world = await kind.start({ clock: createFakeClock(START), config: { agent: { timezone: ZONE } } });
  }, 60_000);
  afterAll(() => world?.close());

  /** A job that runs a turn of its own and delivers its reply to a fresh chat. */
  const jobFor = async (chat: number, schedule: { at?: string; every?: string; cron?: string }) => {
    const job = await world.addJob({
      ...schedule,
      tz: ZONE,
      message: `Write the note for chat ${chat}.`,
      deliver: { channel: "telegram", chatId: String(chat) },
    });
    made.push(job.id);
    return job;
  };

  /** Fires the slot and waits for the chat's `count`-th message and for the engine to settle. */
  async function fireAndWait(at: number, chat: number, count: number, twice: boolean) {
    await world.fire(at, { twice });
    const replies = await waitForReplies(world, chat, count);
    await world.quiet();
    return replies;
  }

  it.each([false, true])(
    "an `at` job fires at its local time and delivers once (fired twice: %s)",
    async (twice) => {
      const [chat] = freshChats(1) as [number];
      // 20 s ahead, written as the wall-clock time in Paris: read in UTC it would be an hour off.
      const due = Math.ceil((world.now() + 20_000) / 1000) * 1000;
      const job = await jobFor(chat, { at: wallClock(due) });
      expect(job.state.nextRunAt).toBe(due);
      world.model.script([{ text: `Note for ${chat}.` }]);
      expect(await fireAndWait(due, chat, 1, twice)).toEqual([`Note for ${chat}.`]);
      expect(repliesTo(world, chat)).toHaveLength(1);
      const runs = await world.runs(job.id);
      expect(runs.map((r) => [r.status, r.dueAt])).toEqual([["ok", due]]);
    },
  );

  it("an `every` job fires once per interval, also when each firing comes twice", async () => {
    const [chat] = freshChats(1) as [number];
    const job = await jobFor(chat, { every: "20s" });
    const first = job.state.nextRunAt!;
    expect(job.schedule).toMatchObject({ kind: "every", everyMs: 20_000 });
    expect(first).toBe((job.schedule as { anchor: number }).anchor + 20_000);
    world.model.script([{ text: "First tick." }, { text: "Second tick." }]);
    expect(await fireAndWait(first, chat, 1, true)).toEqual(["First tick."]);
    expect(await fireAndWait(first + 20_000, chat, 2, true)).toEqual(["First tick.", "Second tick."]);
    expect(repliesTo(world, chat)).toHaveLength(2);
    const runs = await world.runs(job.id);
    expect(runs.map((r) => r.dueAt).sort()).toEqual([first, first + 20_000]);
  });

  it("a `cron` job fires at its wall-clock time in the zone and delivers once, also when fired twice", async () => {
    const [chat] = freshChats(1) as [number];
    // The next whole minute at least 3 s away, as minute and hour in Paris.
    const due = Math.ceil((world.now() + 3_000) / 60_000) * 60_000;
    const [hour, minute] = wallClock(due).slice(11, 16).split(":").map(Number);
    const job = await jobFor(chat, { cron: `${minute} ${hour} * * *` });
    expect(job.state.nextRunAt).toBe(due);
    world.model.script([{ text: "On the minute." }]);
    expect(await fireAndWait(due, chat, 1, true)).toEqual(["On the minute."]);
    expect(repliesTo(world, chat)).toHaveLength(1);
    expect((await world.runs(job.id)).map((r) => [r.status, r.dueAt])).toEqual([["ok", due]]);
  });

  it("an idle heartbeat (template HEARTBEAT.md, no events) makes no model call; one with a task does", async () => {
    await world.writeWorkspace("HEARTBEAT.md", WORKSPACE_TEMPLATES["HEARTBEAT.md"]!);
    const calls = world.model.requests.length;
    const start = world.now();
    await world.fire(start + 2 * HOUR, { twice: true });
    await world.quiet();
    expect(world.model.requests).toHaveLength(calls);

    // The same firing with a task in HEARTBEAT.md asks the model: the heartbeat did fire above.
    await world.writeWorkspace("HEARTBEAT.md", "# HEARTBEAT.md\n\n- Check whether the plants need water.\n");
    world.model.script(Array.from({ length: 10 }, () => ({ text: "HEARTBEAT_OK" })));
    await world.fire(start + 4 * HOUR);
    await world.quiet();
    const beats = world.model.requests.slice(calls);
    expect(beats.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(beats[0]?.body)).toContain("plants need water");
    await world.writeWorkspace("HEARTBEAT.md", WORKSPACE_TEMPLATES["HEARTBEAT.md"]!);
  });
});
