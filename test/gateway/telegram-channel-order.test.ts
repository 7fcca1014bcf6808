// Bot commands in session order on each engine, as the runner Lambda processes them: the channel queues
// two messages and /new, processDeliveries (the daemon's and the Lambda's unit of work) runs the real
// assistant against the fake model, and the channel answers the command and delivers every reply.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processDeliveries } from "../../src/core/intake/process-deliveries.ts";
import { createAssistant } from "../../src/engines/assistant.ts";
import { configFromEnv } from "../../src/engines/aws/config-from-env.ts";
import { engines } from "../behaviour/engines.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { sentTexts, settleOnClock, useTelegramChannelWorld } from "./telegram-channel-world.ts";

describe.each(engines)("Telegram commands on the $name engine", (engine) => {
  let model: FakeModelServer;
  beforeAll(async () => {
    model = await startOpenAIChatFake();
  });
  afterAll(() => model.close());
  const world = useTelegramChannelWorld(engine);

  /** Receives and processes until the queue is empty, as the lanes or the SQS event source would. */
  async function drain(): Promise<void> {
    const { ports, clock } = world.instance;
    const env = { AGENT_CLAW_MODEL: "openai-compatible/fake", OPENAI_COMPATIBLE_BASE_URL: model.url };
    const assistant = createAssistant({ ports, config: configFromEnv(env), env, engine: "aws", clock });
    for (let round = 0; round < 20; round++) {
      const deliveries = await ports.queue.receive({ max: 10, visibilityMs: 60_000 });
      if (deliveries.length === 0) return;
      const work = processDeliveries(
        {
          queue: ports.queue,
          outbox: ports.outbox,
          clock,
          runTurn: (request) => assistant.turn(request),
          runCommand: (job) => world.channel.runCommand(job),
          deliver: (record, job, turnJobs) => world.channel.deliver(record, job, turnJobs),
          afterTurn: async () => {},
          maxAttempts: 2,
          retryDelayMs: 0,
          giveUp: "ack",
        },
        deliveries,
      );
      // Replies to one chat go out a second apart, on the fake clock.
      expect(await settleOnClock(world, work)).toMatchObject({ status: "fulfilled", value: [] });
    }
    throw new Error("the queue did not drain in 20 rounds");
  }
  const userTexts = (i: number) =>
    model.requests[i]!.messages.filter((m) => m.role === "user").map((m) => m.text);

  it("/new queued after two messages applies once both are answered, not before", async () => {
    const before = model.requests.length;
    const echo = (request: { lastUserText: string | undefined }) => ({ text: `re: ${request.lastUserText}` });
    model.script([echo, echo]);
    const { channel, fake } = world;
    await channel.accept([fake.message({ text: "first" }), fake.message({ text: "second" })]);
    await channel.accept([fake.message({ text: "/new" })]);
    await drain();
    const sent = sentTexts(world);
    expect(sent.at(-1)).toBe(
      "Started a new conversation. The earlier one is kept in the transcript archive.",
    );
    // Both messages were answered in the conversation "first" began (one turn, or two in a row).
    const last = model.requests.length - 1;
    expect(userTexts(last).join("\n")).toContain("first");
    expect(userTexts(last).join("\n")).toContain("second");
    expect(sent.slice(0, -1).at(-1)).toMatch(/^re: (first\n\n)?second$/);

    model.script([echo]);
    await channel.accept([fake.message({ text: "third" })]);
    await drain();
    expect(userTexts(model.requests.length - 1)).toEqual(["third"]);
    expect(model.requests.length - before).toBeGreaterThanOrEqual(2);
  });
});
