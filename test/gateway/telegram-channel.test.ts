// The Telegram channel runtime on its own, as a Lambda drives it: the engines' real ports (local SQLite,
// and dynalite + fauxqs for AWS), the fake Bot API, a fake clock, and no gateway around it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelDeps } from "../../src/channels/channel-deps.ts";
import {
  createTelegramChannel,
  loadTelegramAccount,
  type TelegramChannel,
} from "../../src/channels/telegram/telegram-channel.ts";
import { TELEGRAM_SECRET_HEADER } from "../../src/channels/telegram/verify.ts";
import { type Config, configSchema } from "../../src/config/schema.ts";
import { asTurnJob, type TurnJob } from "../../src/core/intake/turn-job.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";
import { engines, type EngineInstance } from "../behaviour/engines.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { ADA } from "./telegram-world.ts";

const SECRET = "webhook-secret-0123456789";

describe.each(engines)("the Telegram channel runtime on the $name engine", (engine) => {
  let instance: EngineInstance;
  let fake: TelegramFake;
  let channel: TelegramChannel;
  let config: Config;
  const logs: string[] = [];

  beforeAll(() => engine.setup(), 60_000);
  afterAll(() => engine.teardown());
  beforeEach(async () => {
    instance = await engine.open();
    fake = await startTelegramFake();
    config = configSchema.parse({ channels: { telegram: { allowFrom: [String(ADA)], streaming: false } } });
    const { ports } = instance;
    const deps: ChannelDeps = {
      ports,
      config: () => config,
      log: (level, message) => logs.push(`${level}: ${message}`),
      redact: (text) => text,
      submit: (job) => ports.queue.enqueue({ group: job.sessionKey, dedupeId: job.id, body: job }),
      tools: () => [],
      noteLastRoute: async () => {},
    };
    const account = await loadTelegramAccount({
      token: fake.token,
      apiRoot: fake.url,
      webhookSecret: SECRET,
    });
    channel = createTelegramChannel(deps, account);
  });
  afterEach(async () => {
    channel.stop();
    await fake.close();
    await instance.cleanup();
    logs.length = 0;
  });

  const withSecret = (secret: string) => new Headers({ [TELEGRAM_SECRET_HEADER]: secret });
  /** Every job queued, in the order the queue hands them out (a group's next one after an ack). */
  const queued = async (): Promise<TurnJob[]> => {
    const jobs: TurnJob[] = [];
    for (;;) {
      const deliveries = await instance.ports.queue.receive({ max: 10, visibilityMs: 60_000 });
      if (deliveries.length === 0) return jobs;
      for (const delivery of deliveries) {
        const job = asTurnJob(delivery.body)!;
        expect(delivery.group).toBe(job.sessionKey);
        expect(delivery.dedupeId).toBe(job.id);
        jobs.push(job);
        await instance.ports.queue.ack(delivery);
      }
    }
  };
  /** Stores an outcome for `job` as a turn would, and returns it. */
  const stored = (job: TurnJob, reply: string): Promise<OutboxRecord> =>
    instance.ports.outbox.put({
      key: job.id,
      sessionKey: job.sessionKey,
      ...(job.deliverTo && { deliverTo: job.deliverTo }),
      status: "done",
      reply,
      usage: { inputTokens: 0, outputTokens: 0 },
      createdAt: instance.clock.now(),
    });
  const sentTexts = () => fake.sent.filter((c) => c.method === "sendMessage").map((c) => c.params["text"]);
  /**
   * Settles `work`, which waits on the fake clock between Bot API calls (backoff, flood pauses): each
   * time it is parked on the clock, time moves on by `stepMs`.
   */
  async function settleOnClock<T>(work: Promise<T>, stepMs = 500): Promise<PromiseSettledResult<T>> {
    let result: PromiseSettledResult<T> | undefined;
    void work.then(
      (value) => (result = { status: "fulfilled", value }),
      (reason: unknown) => (result = { status: "rejected", reason }),
    );
    while (!result) {
      await vi.waitFor(() => expect(result !== undefined || instance.clock.pending > 0).toBe(true), {
        timeout: 5_000,
        interval: 2,
      });
      if (!result) await instance.clock.advance(stepMs);
    }
    return result;
  }

  it("queues an accepted update in its session's group, once, under the update's dedupe id", async () => {
    const update = fake.message({ text: "hello" });
    const answer = await channel.webhook(withSecret(SECRET), async () => update);
    expect(answer.status).toBe(200);
    // Telegram retries the same update: it is not queued twice.
    expect((await channel.webhook(withSecret(SECRET), async () => update)).status).toBe(200);
    const jobs = await queued();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.id).toBe(`telegram:default:${update.update_id}`);
    expect(jobs[0]!.sessionKey).toBe("agent:main:main");
    expect(jobs[0]!.message.text).toBe("hello");
    expect(jobs[0]!.deliverTo).toMatchObject({
      channel: "telegram",
      account: "default",
      chatId: String(ADA),
    });
  });

  it("refuses a wrong secret with 401 without reading the body", async () => {
    let read = false;
    const body = async () => {
      read = true;
      return fake.message({ text: "let me in" });
    };
    expect(await channel.webhook(withSecret("wrong-secret"), body)).toEqual({
      status: 401,
      text: "unauthorized",
    });
    expect(await channel.webhook(new Headers(), body)).toMatchObject({ status: 401 });
    expect(read).toBe(false);
    expect(await queued()).toEqual([]);
  });

  it("queues /new behind the messages before it in the same session, and answers it without the model", async () => {
    await channel.accept([fake.message({ text: "first" }), fake.message({ text: "second" })]);
    await channel.accept([fake.message({ text: "/new" })]);
    const jobs = await queued();
    // One group, in order: the reset applies after the two turns, not before them.
    expect(jobs.map((j) => [j.message.text, j.command])).toEqual([
      ["first", undefined],
      ["second", undefined],
      ["/new", "new"],
    ]);
    expect(new Set(jobs.map((j) => j.sessionKey)).size).toBe(1);
    const { sessions } = instance.ports;
    await sessions.open(jobs[0]!.sessionKey);
    await sessions.recordTurn(jobs[0]!.sessionKey, { inputTokens: 3, outputTokens: 4 });
    expect(await channel.runCommand(jobs[2]!)).toMatch(/^Started a new conversation/);
    expect((await sessions.get(jobs[0]!.sessionKey))?.turns).toBe(0);
    expect(fake.sent.filter((c) => c.method === "sendMessage")).toEqual([]);
  });

  it("throws when the Bot API answers 500, and delivers once when the delivery is retried", async () => {
    await channel.accept([fake.message({ text: "hi" })]);
    const [job] = await queued();
    const record = await stored(job!, "Hello, Ada.");
    fake.failNext("sendMessage", { status: 500, description: "Internal Server Error" }, 4);
    const first = await settleOnClock(channel.deliver(record, job!, [job!]));
    expect(first.status).toBe("rejected");
    expect(String((first as PromiseRejectedResult).reason)).toMatch(/500/);
    expect((await instance.ports.outbox.get(job!.id))?.deliveredAt).toBeUndefined();

    const retried = await settleOnClock(
      channel.deliver((await instance.ports.outbox.get(job!.id))!, job!, [job!]),
    );
    expect(retried.status).toBe("fulfilled");
    expect((await instance.ports.outbox.get(job!.id))?.deliveredAt).toBeDefined();
    // A third try (the queue delivering the message again) sends nothing more.
    await settleOnClock(channel.deliver(record, job!, [job!]));
    expect(sentTexts()).toEqual(["Hello, Ada.", "Hello, Ada.", "Hello, Ada.", "Hello, Ada.", "Hello, Ada."]);
    expect(fake.sent.filter((c) => c.method === "sendMessage")).toHaveLength(5); // 4 refused, 1 taken
  });

  it("waits out a 429's retry_after before sending again", async () => {
    await channel.accept([fake.message({ text: "hi" })]);
    const [job] = await queued();
    const record = await stored(job!, "After the pause.");
    fake.failNext("sendMessage", { status: 429, retryAfter: 7 });
    const sending = channel.deliver(record, job!, [job!]);
    await fake.waitFor("sendMessage");
    await vi.waitFor(() => expect(instance.clock.pending).toBeGreaterThan(0), { interval: 2 });
    await instance.clock.advance(6_900);
    expect(fake.sent.filter((c) => c.method === "sendMessage")).toHaveLength(1);
    const done = await settleOnClock(sending, 100);
    expect(done.status).toBe("fulfilled");
    const calls = fake.sent.filter((c) => c.method === "sendMessage");
    expect(calls).toHaveLength(2);
    expect((await instance.ports.outbox.get(job!.id))?.deliveredAt).toBeGreaterThanOrEqual(
      record.createdAt + 7_000,
    );
    expect(logs.some((l) => l.includes("flood control") && l.includes("7 s"))).toBe(true);
  });
  it("gives messages of one chat collected into one turn one reply, on the last of them", async () => {
    await channel.accept([fake.message({ text: "one" }), fake.message({ text: "two" })]);
    const [a, b] = await queued();
    const [recordA, recordB] = [await stored(a!, "Both answered."), await stored(b!, "Both answered.")];
    await channel.deliver(recordA, a!, [a!, b!]);
    expect(sentTexts()).toEqual([]);
    await settleOnClock(channel.deliver(recordB, b!, [a!, b!]));
    expect(sentTexts()).toEqual(["Both answered."]);
    expect(await instance.ports.outbox.undelivered(10)).toEqual([]);
  });

  it("downloads a message's photo into the engine's workspace with the bot token alone", async () => {
    const update = fake.message({ photo: true, text: "What is this?" });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
    fake.setFile(update.message!.photo!.at(-1)!.file_id, bytes);
    await channel.accept([update]);
    const [job] = await queued();
    const request = await channel.prepareTurn({
      sessionKey: job!.sessionKey,
      messages: [job!.message],
      channel: job!.channel,
    });
    const text = request.messages[0]!.text;
    const path = /inbox\/telegram\/\d{4}-\d{2}-\d{2}\/\d+-photo\.jpg/.exec(text)?.[0];
    expect(text).toMatch(/^What is this\?\n\n\[The user sent a photo, saved as inbox\/telegram\//);
    expect(path).toBeDefined();
    expect(await instance.ports.workspace.read(path!)).toEqual(bytes);
    expect(typeof request.sendFile).toBe("function");
  });
  it("asks Telegram who the bot is once a day when the engine's values keep the answer", async () => {
    const getMe = () => fake.sent.filter((c) => c.method === "getMe").length;
    const before = getMe();
    const settings = { token: fake.token, apiRoot: fake.url };
    const first = await loadTelegramAccount(settings, instance.ports.values);
    const second = await loadTelegramAccount(settings, instance.ports.values);
    expect(getMe()).toBe(before + 1);
    expect(second.bot).toEqual(first.bot);
    expect(second.bot).toEqual({ id: fake.botInfo.id, username: fake.botInfo.username });
    await instance.clock.advance(24 * 60 * 60_000);
    await loadTelegramAccount(settings, instance.ports.values);
    expect(getMe()).toBe(before + 2);
  });
});
