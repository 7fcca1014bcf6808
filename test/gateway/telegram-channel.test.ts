// The Telegram channel runtime on its own, as a Lambda drives it: the engines' real ports (local SQLite,
// and dynalite + fauxqs for AWS), the fake Bot API, a fake clock, and no gateway around it.
import { describe, expect, it, vi } from "vitest";
import { loadTelegramAccount } from "../../src/channels/telegram/telegram-channel.ts";
import { TELEGRAM_SECRET_HEADER } from "../../src/channels/telegram/verify.ts";
import type { TurnJob } from "../../src/core/intake/turn-job.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";
import { engines } from "../behaviour/engines.ts";
import { ADA } from "./telegram-world.ts";
import {
  queuedJobs,
  SECRET,
  sentTexts as sent,
  settleOnClock as settle,
  storeOutcome,
  useTelegramChannelWorld,
} from "./telegram-channel-world.ts";

describe.each(engines)("the Telegram channel runtime on the $name engine", (engine) => {
  const world = useTelegramChannelWorld(engine);
  const queued = () => queuedJobs(world);
  const stored = (job: TurnJob, reply: string): Promise<OutboxRecord> => storeOutcome(world, job, reply);
  const sentTexts = () => sent(world);
  const settleOnClock = <T>(work: Promise<T>, stepMs?: number) => settle(world, work, stepMs);
  const withSecret = (secret: string) => new Headers({ [TELEGRAM_SECRET_HEADER]: secret });

  it("queues an accepted update in its session's group, once, under the update's dedupe id", async () => {
    const update = world.fake.message({ text: "hello" });
    const answer = await world.channel.webhook(withSecret(SECRET), async () => update);
    expect(answer.status).toBe(200);
    // Telegram retries the same update: it is not queued twice.
    expect((await world.channel.webhook(withSecret(SECRET), async () => update)).status).toBe(200);
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

  it("still sends a stranger their pairing code when the first try could not store the request", async () => {
    const stranger = world.fake.message({ text: "hi", from: { id: 777, first_name: "Eve" } });
    const { pairings } = world.instance.ports;
    const request = pairings.request.bind(pairings);
    let failures = 1;
    // The store is briefly unreachable: the webhook fails, and Telegram sends the update again.
    pairings.request = async (...args) =>
      failures-- > 0 ? Promise.reject(new Error("throttled")) : request(...args);
    await expect(world.channel.accept([stranger])).rejects.toThrow("throttled");
    await world.channel.accept([stranger]);
    await world.channel.accept([stranger]);
    const codes = world.fake.sent.filter(
      (c) => c.method === "sendMessage" && String(c.params["chat_id"]) === "777",
    );
    expect(codes).toHaveLength(1);
    expect(String(codes[0]!.params["text"])).toMatch(/pair/i);
  });

  it("refuses a wrong secret with 401 without reading the body", async () => {
    let read = false;
    const body = async () => {
      read = true;
      return world.fake.message({ text: "let me in" });
    };
    expect(await world.channel.webhook(withSecret("wrong-secret"), body)).toEqual({
      status: 401,
      text: "unauthorized",
    });
    expect(await world.channel.webhook(new Headers(), body)).toMatchObject({ status: 401 });
    expect(read).toBe(false);
    expect(await queued()).toEqual([]);
  });

  it("queues /new behind the messages before it in the same session, and answers it without the model", async () => {
    await world.channel.accept([
      world.fake.message({ text: "first" }),
      world.fake.message({ text: "second" }),
    ]);
    await world.channel.accept([world.fake.message({ text: "/new" })]);
    const jobs = await queued();
    // One group, in order: the reset applies after the two turns, not before them.
    expect(jobs.map((j) => [j.message.text, j.command])).toEqual([
      ["first", undefined],
      ["second", undefined],
      ["/new", "new"],
    ]);
    expect(new Set(jobs.map((j) => j.sessionKey)).size).toBe(1);
    const { sessions } = world.instance.ports;
    await sessions.open(jobs[0]!.sessionKey);
    await sessions.recordTurn(jobs[0]!.sessionKey, { inputTokens: 3, outputTokens: 4 });
    expect(await world.channel.runCommand(jobs[2]!)).toMatch(/^Started a new conversation/);
    expect((await sessions.get(jobs[0]!.sessionKey))?.turns).toBe(0);
    expect(world.fake.sent.filter((c) => c.method === "sendMessage")).toEqual([]);
  });

  it("throws when the Bot API answers 500, and delivers once when the delivery is retried", async () => {
    await world.channel.accept([world.fake.message({ text: "hi" })]);
    const [job] = await queued();
    const record = await stored(job!, "Hello, Ada.");
    world.fake.failNext("sendMessage", { status: 500, description: "Internal Server Error" }, 4);
    const first = await settleOnClock(world.channel.deliver(record, job!, [job!]));
    expect(first.status).toBe("rejected");
    expect(String((first as PromiseRejectedResult).reason)).toMatch(/500/);
    expect((await world.instance.ports.outbox.get(job!.id))?.deliveredAt).toBeUndefined();

    const retried = await settleOnClock(
      world.channel.deliver((await world.instance.ports.outbox.get(job!.id))!, job!, [job!]),
    );
    expect(retried.status).toBe("fulfilled");
    expect((await world.instance.ports.outbox.get(job!.id))?.deliveredAt).toBeDefined();
    // A third try (the queue delivering the message again) sends nothing more.
    await settleOnClock(world.channel.deliver(record, job!, [job!]));
    expect(sentTexts()).toEqual(["Hello, Ada.", "Hello, Ada.", "Hello, Ada.", "Hello, Ada.", "Hello, Ada."]);
    expect(world.fake.sent.filter((c) => c.method === "sendMessage")).toHaveLength(5); // 4 refused, 1 taken
  });

  it("waits out a 429's retry_after before sending again", async () => {
    await world.channel.accept([world.fake.message({ text: "hi" })]);
    const [job] = await queued();
    const record = await stored(job!, "After the pause.");
    world.fake.failNext("sendMessage", { status: 429, retryAfter: 7 });
    const sending = world.channel.deliver(record, job!, [job!]);
    await world.fake.waitFor("sendMessage");
    await vi.waitFor(() => expect(world.instance.clock.pending).toBeGreaterThan(0), { interval: 2 });
    await world.instance.clock.advance(6_900);
    expect(world.fake.sent.filter((c) => c.method === "sendMessage")).toHaveLength(1);
    const done = await settleOnClock(sending, 100);
    expect(done.status).toBe("fulfilled");
    const calls = world.fake.sent.filter((c) => c.method === "sendMessage");
    expect(calls).toHaveLength(2);
    expect((await world.instance.ports.outbox.get(job!.id))?.deliveredAt).toBeGreaterThanOrEqual(
      record.createdAt + 7_000,
    );
    expect(world.logs.some((l) => l.includes("flood control") && l.includes("7 s"))).toBe(true);
  });
  it("gives messages of one chat collected into one turn one reply, on the last of them", async () => {
    await world.channel.accept([world.fake.message({ text: "one" }), world.fake.message({ text: "two" })]);
    const [a, b] = await queued();
    const [recordA, recordB] = [await stored(a!, "Both answered."), await stored(b!, "Both answered.")];
    await world.channel.deliver(recordA, a!, [a!, b!]);
    expect(sentTexts()).toEqual([]);
    await settleOnClock(world.channel.deliver(recordB, b!, [a!, b!]));
    expect(sentTexts()).toEqual(["Both answered."]);
    expect(await world.instance.ports.outbox.undelivered(10)).toEqual([]);
  });

  it("downloads a message's photo into the engine's workspace with the bot token alone", async () => {
    const update = world.fake.message({ photo: true, text: "What is this?" });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
    world.fake.setFile(update.message!.photo!.at(-1)!.file_id, bytes);
    await world.channel.accept([update]);
    const [job] = await queued();
    const request = await world.channel.prepareTurn({
      sessionKey: job!.sessionKey,
      messages: [job!.message],
      channel: job!.channel,
    });
    const text = request.messages[0]!.text;
    const path = /inbox\/telegram\/\d{4}-\d{2}-\d{2}\/\d+-photo\.jpg/.exec(text)?.[0];
    expect(text).toMatch(/^What is this\?\n\n\[The user sent a photo, saved as inbox\/telegram\//);
    expect(path).toBeDefined();
    expect(await world.instance.ports.workspace.read(path!)).toEqual(bytes);
    expect(typeof request.sendFile).toBe("function");
  });
  it("asks Telegram who the bot is once a day when the engine's values keep the answer", async () => {
    const getMe = () => world.fake.sent.filter((c) => c.method === "getMe").length;
    const before = getMe();
    const settings = { token: world.fake.token, apiRoot: world.fake.url };
    const first = await loadTelegramAccount(settings, world.instance.ports.values);
    const second = await loadTelegramAccount(settings, world.instance.ports.values);
    expect(getMe()).toBe(before + 1);
    expect(second.bot).toEqual(first.bot);
    expect(second.bot).toEqual({ id: world.fake.botInfo.id, username: world.fake.botInfo.username });
    await world.instance.clock.advance(24 * 60 * 60_000);
    await loadTelegramAccount(settings, world.instance.ports.values);
    expect(getMe()).toBe(before + 2);
  });
});
