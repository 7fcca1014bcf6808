// `aws dev` started programmatically, through the bundled handlers: a Telegram update in gives one reply
// from the fake model, a wrong secret is refused before anything is queued, a turn that keeps failing
// ends in one apology and the dead-letter queue, and an idle heartbeat makes no model call.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForReplies } from "../behaviour/serverless/chat-world.ts";
import { createCronService } from "../../src/core/cron/cron-service.ts";
import { type AwsDev, startAwsDev } from "../../src/engines/aws/dev/aws-dev.ts";
import { sqsClient } from "../../src/engines/aws/dev/emulators.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { freePort } from "../free-port.ts";
import { fakeServicesEnv } from "../fakes/fake-services-env.ts";

const ADA = 1001;

describe("agent-claw aws dev", () => {
  let home: string;
  let model: FakeModelServer;
  let telegram: TelegramFake;
  let dev: AwsDev;
  const logs: string[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "aws-dev-"));
    await writeFile(
      join(home, "config.json"),
      JSON.stringify({ channels: { telegram: { allowFrom: [String(ADA)], streaming: false } } }),
    );
    [model, telegram] = await Promise.all([startOpenAIChatFake(), startTelegramFake()]);
    const port = await freePort();
    dev = await startAwsDev({
      env: {
        AGENT_CLAW_HOME: home,
        ...fakeServicesEnv(model.url, telegram),
      },
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      visibilitySeconds: 60,
      retrySeconds: 0,
      autoSchedule: false,
      log: (line) => logs.push(line),
    });
  }, 60_000);
  afterAll(async () => {
    await dev?.close();
    await Promise.all([model?.close(), telegram?.close()]);
    await rm(home, { recursive: true, force: true });
  });

  const sendMessages = () => telegram.sent.filter((call) => call.method === "sendMessage");

  it("sets Telegram's webhook to its URL with the secret it prints", () => {
    expect(dev.webhookUrl).toBe(`${dev.url}/telegram/webhook`);
    expect(dev.telegram).toBe(true);
    expect(telegram.webhook).toMatchObject({ url: dev.webhookUrl, secretToken: dev.webhookSecret });
  });

  it("answers a Telegram update through ingest, the queue and runner with exactly one sendMessage", async () => {
    model.script([{ text: "Hello Ada, from a Lambda." }]);
    const before = sendMessages().length;
    expect(await telegram.postToWebhook(telegram.message({ text: "hello over there" }))).toBe(200);
    await telegram.waitFor("sendMessage", 30_000, before + 1);
    await dev.sqs.idle();
    const sent = sendMessages().slice(before);
    expect(sent.map((call) => [call.params["chat_id"], call.params["text"]])).toEqual([
      [ADA, "Hello Ada, from a Lambda."],
    ]);
    expect(JSON.stringify(model.requests.at(-1))).toContain("hello over there");
    // ingest showed "typing…" once the update was durable.
    expect(telegram.sent.some((call) => call.method === "sendChatAction")).toBe(true);
  });

  it("refuses a call with the wrong secret before reading or queueing it", async () => {
    const requests = model.requests.length;
    const response = await fetch(dev.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-telegram-bot-api-secret-token": "not-the-secret-at-all",
      },
      body: JSON.stringify(telegram.message({ text: "let me in" })),
    });
    expect(response.status).toBe(401);
    await dev.sqs.idle();
    expect(model.requests.length).toBe(requests);
  });

  it("ends a turn that keeps failing with one apology, and the message in the dead-letter queue", async () => {
    model.script(
      Array.from({ length: 12 }, () => ({ error: { status: 400, message: "the model is broken" } })),
    );
    const before = sendMessages().length;
    expect(await telegram.postToWebhook(telegram.message({ text: "this will not work" }))).toBe(200);
    await telegram.waitFor("sendMessage", 30_000, before + 1);
    await dev.sqs.idle();
    const apologies = sendMessages().slice(before);
    expect(apologies).toHaveLength(1);
    expect(String(apologies[0]!.params["text"])).toMatch(/sorry|couldn't|could not|failed/i);
    const sqs = sqsClient(dev.env["AGENT_CLAW_AWS_ENDPOINT_SQS"]!);
    try {
      const dead = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dev.resources.deadLetterQueueUrl, MaxNumberOfMessages: 10 }),
      );
      expect(dead.Messages?.map((m) => JSON.parse(m.Body!).body.message.text)).toEqual([
        "this will not work",
      ]);
    } finally {
      sqs.destroy();
    }
    model.script([]);
  });

  it("runs a cron firing that Scheduler delivers twice once, and delivers its reply", async () => {
    const cron = createCronService({
      store: dev.ports.cron,
      alarm: dev.ports.alarm,
      claims: dev.ports.claims,
      clock: dev.ports.clock,
      timeZone: () => "UTC",
      newId: () => "stretch",
    });
    const at = new Date(Date.now() + 20_000).toISOString();
    const job = await cron.add(
      { at, message: "Remind me to stretch", deliver: { channel: "telegram", chatId: String(ADA) } },
      { kind: "owner" },
    );
    // The job's schedule went to the local Scheduler through the real SDK client.
    const schedule = dev.scheduler.schedules().find((s) => s.expression.startsWith("at("));
    expect(schedule?.next).toBeGreaterThanOrEqual(Date.parse(at));
    model.script([{ text: "Time to stretch." }]);
    const before = sendMessages().length;
    // Scheduler's <aws.scheduler.scheduled-time>, delivered twice at once.
    const firing = {
      jobId: job.id,
      scheduledTime: new Date(schedule!.next!).toISOString().replace(/\.\d+Z$/, "Z"),
    };
    const results = await Promise.all([
      dev.lambdas.schedule.invoke(firing),
      dev.lambdas.schedule.invoke(firing),
    ]);
    // One runs it; the other finds it claimed ("duplicate") or already running ("not due").
    expect(results.filter((r) => (r as { result: string }).result === "fired")).toHaveLength(1);
    await telegram.waitFor("sendMessage", 30_000, before + 1);
    await dev.sqs.idle();
    expect(
      sendMessages()
        .slice(before)
        .map((call) => [call.params["chat_id"], call.params["text"]]),
    ).toEqual([[ADA, "Time to stretch."]]);
  });

  it("makes no model call for an idle heartbeat fired by the scheduler", async () => {
    const requests = model.requests.length;
    const fired = await dev.fireSchedules(Date.now() + 31 * 60_000);
    expect(fired.map((f) => f.schedule)).toContain("heartbeat");
    await dev.sqs.idle();
    expect(model.requests.length).toBe(requests);
    expect(logs.some((line) => /schedule heartbeat .*nothing to check/.test(line))).toBe(true);
  });
});

// The same engine with turns in AgentCore: the runner invokes the local AgentCore stand-in through the
// real SDK client, which runs each chat session's turns in a runtime process of its own.
describe("agent-claw aws dev --turns agentcore", () => {
  const BOB = 1002;
  const MADE = "echo from-agentcore > made-by-exec.txt";
  let home: string;
  let model: FakeModelServer;
  let telegram: TelegramFake;
  let dev: AwsDev;
  const logs: string[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "aws-dev-agentcore-"));
    await writeFile(
      join(home, "config.json"),
      JSON.stringify({
        channels: { telegram: { allowFrom: [String(ADA), String(BOB)], streaming: false } },
        tools: { exec: { enabled: true, allowlist: [MADE] } },
      }),
    );
    [model, telegram] = await Promise.all([startOpenAIChatFake(), startTelegramFake()]);
    const port = await freePort();
    dev = await startAwsDev({
      env: { AGENT_CLAW_HOME: home, ...fakeServicesEnv(model.url, telegram) },
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      visibilitySeconds: 30,
      retrySeconds: 0,
      autoSchedule: false,
      turns: "agentcore",
      log: (line) => logs.push(line),
    });
  }, 60_000);
  afterAll(async () => {
    await dev?.close();
    await Promise.all([model?.close(), telegram?.close()]);
    await rm(home, { recursive: true, force: true });
  });

  // Read when a test runs: beforeAll starts the fake.
  const chat = {
    get telegram() {
      return telegram;
    },
  };
  /** The chat's replies once it shows `count` (a slow cold start's "Waking up…" notice edited into one). */
  async function replies(to: number, count: number): Promise<string[]> {
    const shown = await waitForReplies(chat, to, count, 30_000);
    await dev.sqs.idle();
    return shown;
  }

  it("gives the runner the AgentCore settings and the runtimes the handlers' environment without them", () => {
    expect(dev.env).toMatchObject({
      AGENT_CLAW_TURNS: "agentcore",
      AGENT_CLAW_AGENTCORE_RUNTIME_ARN: dev.agentcore!.runtimeArn,
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE: dev.agentcore!.endpoint,
    });
  });

  it("runs a chat's turns in one runtime session, its exec in the session's copy of the workspace", async () => {
    model.script([
      { text: "Hello from a microVM." },
      { toolCalls: [{ name: "exec", input: { command: MADE } }] },
      { text: "Made the file." },
    ]);
    expect(await telegram.postToWebhook(telegram.message({ chatId: ADA, text: "hello agentcore" }))).toBe(
      200,
    );
    expect(await replies(ADA, 1)).toEqual(["Hello from a microVM."]);
    expect(dev.agentcore!.stats()).toMatchObject({ started: 1, live: 1 });

    expect(await telegram.postToWebhook(telegram.message({ chatId: ADA, text: "make a file" }))).toBe(200);
    expect(await replies(ADA, 2)).toEqual(["Hello from a microVM.", "Made the file."]);
    // The same session, so the same process; the file exec wrote reached the S3 workspace after the turn.
    expect(dev.agentcore!.stats()).toMatchObject({ started: 1, live: 1 });
    const made = await dev.ports.workspace.read("made-by-exec.txt");
    expect(made && new TextDecoder().decode(made)).toBe("from-agentcore\n");
  }, 60_000);

  it("tries a session whose cold start failed again on the same id, and answers once", async () => {
    const before = dev.agentcore!.stats();
    dev.agentcore!.failNextColdStarts(1);
    model.script([{ text: "Awake now." }]);
    expect(await telegram.postToWebhook(telegram.message({ chatId: BOB, text: "wake up" }))).toBe(200);
    expect(await replies(BOB, 1)).toEqual(["Awake now."]);
    expect(dev.agentcore!.stats()).toMatchObject({
      failedStarts: before.failedStarts + 1,
      started: before.started + 1,
    });
  }, 60_000);
});
