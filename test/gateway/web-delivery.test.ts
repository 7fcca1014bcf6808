// The web chat as a place to deliver to: with no other chat known, a reminder reaches the connected
// web chats live as a `notice`, stays in chat.history marked as a reminder (not as the user's words),
// a later connection sees it, and the cron run says whether it was delivered.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CronJob, CronRun } from "../../src/core/cron/cron-job.ts";
import type { HistoryMessage } from "../../src/gateway/control/chat-history.ts";
import type { EventFrame } from "../../src/gateway/control/frames.ts";
import type { Notice } from "../../src/gateway/event-hub.ts";
import { type ControlWorld, startControlWorld, type TestClient } from "./control-harness.ts";

let world: ControlWorld;
beforeEach(async () => {
  world = await startControlWorld();
});
afterEach(async () => {
  await world.close();
});

const isNotice = (frame: { type: string; event?: string }): frame is EventFrame =>
  frame.type === "event" && frame.event === "notice";

/** Adds a reminder, runs it now and resolves with the job once its run was recorded. */
async function runReminder(client: TestClient, text: string): Promise<CronJob> {
  await client.request("cron.follow");
  const added = await client.request("cron.add", { name: "stretch", at: "in 1h", systemEvent: text });
  const id = (added as { payload: { job: CronJob } }).payload.job.id;
  expect(await client.request("cron.run", { id })).toMatchObject({ ok: true });
  const ended = (await client.next(
    (f) =>
      f.type === "event" &&
      f.event === "cron" &&
      (f.payload as { job?: CronJob }).job?.id === id &&
      (f.payload as { job: CronJob }).job.state.lastRunAt !== undefined,
  )) as EventFrame;
  return (ended.payload as { job: CronJob }).job;
}

const history = async (client: TestClient) =>
  ((await client.request("chat.history", {})) as { payload: { messages: HistoryMessage[] } }).payload
    .messages;

describe("delivery to the web chat", () => {
  it("shows a reminder live, keeps it in the history as a reminder, and records the run delivered", async () => {
    world.fake.script([{ text: "Time to stretch your legs!" }]);
    const client = await world.client();
    const job = await runReminder(client, "Stretch");

    const notice = (await client.next(isNotice)).payload as Notice;
    expect(notice).toMatchObject({
      sessionKey: "agent:main:main",
      origin: "reminder",
      note: 'Scheduled job "stretch": Stretch',
      status: "done",
      reply: "Time to stretch your legs!",
      quiet: false,
    });
    expect(job.state).toMatchObject({ lastStatus: "ok" });
    const runs = (await client.request("cron.runs", { id: job.id })) as { payload: { runs: CronRun[] } };
    expect(runs.payload.runs[0]).toMatchObject({
      status: "ok",
      summary: "relayed: Time to stretch your legs!",
    });

    const expected = [
      { role: "user", origin: "reminder", text: 'Scheduled job "stretch": Stretch' },
      { role: "assistant", text: "Time to stretch your legs!" },
    ];
    expect(await history(client)).toMatchObject(expected);
    // A web chat opened later finds it in the history.
    const later = await world.client();
    expect(await history(later)).toMatchObject(expected);
    expect((await history(later))[0]!.text).not.toContain("This is not the user writing");
  });

  it("records a reminder whose heartbeat turn failed as not delivered, in the run and the job", async () => {
    const failure = { error: { status: 400, message: "model refused" } };
    world.fake.script([failure, failure, failure, failure]);
    const client = await world.client();
    const job = await runReminder(client, "Call the dentist");

    expect(job.state.lastStatus).toBe("error");
    expect(job.state.lastError).toMatch(/^not delivered: the heartbeat turn failed/);
    const runs = (await client.request("cron.runs", { id: job.id })) as { payload: { runs: CronRun[] } };
    expect(runs.payload.runs[0]).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^not delivered/),
    });
    // The web chat was told too: the failure is not silent there either.
    expect((await client.next(isNotice)).payload).toMatchObject({ origin: "reminder", status: "failed" });
  });
});
