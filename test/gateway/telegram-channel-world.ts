// The Telegram channel runtime on one engine's real ports with the fake Bot API and a fake clock, as a
// Lambda builds it (no gateway): what the channel-runtime test files share, fresh for each test.
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import type { ChannelDeps } from "../../src/channels/channel-deps.ts";
import {
  createTelegramChannel,
  loadTelegramAccount,
  type TelegramChannel,
} from "../../src/channels/telegram/telegram-channel.ts";
import { type Config, configSchema } from "../../src/config/schema.ts";
import { asTurnJob, type TurnJob } from "../../src/core/intake/turn-job.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";
import type { EngineHarness, EngineInstance } from "../behaviour/engines.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { ADA } from "./telegram-world.ts";

export const SECRET = "webhook-secret-0123456789";

export interface ChannelWorld {
  instance: EngineInstance;
  fake: TelegramFake;
  channel: TelegramChannel;
  config: Config;
  logs: string[];
}

/** A fresh world per test of the `describe` it is called in (the engine's emulators per file). */
export function useTelegramChannelWorld(engine: EngineHarness, settings: Record<string, unknown> = {}) {
  const world = { logs: [] as string[] } as ChannelWorld;
  beforeAll(() => engine.setup(), 60_000);
  afterAll(() => engine.teardown());
  beforeEach(async () => {
    world.instance = await engine.open();
    world.fake = await startTelegramFake();
    world.config = configSchema.parse({
      channels: { telegram: { allowFrom: [String(ADA)], streaming: false } },
      ...settings,
    });
    const { ports } = world.instance;
    const deps: ChannelDeps = {
      ports,
      config: () => world.config,
      log: (level, message) => world.logs.push(`${level}: ${message}`),
      redact: (text) => text,
      submit: (job) => ports.queue.enqueue({ group: job.sessionKey, dedupeId: job.id, body: job }),
      tools: () => [],
      noteLastRoute: async () => {},
    };
    const { fake } = world;
    const account = await loadTelegramAccount({
      token: fake.token,
      apiRoot: fake.url,
      webhookSecret: SECRET,
    });
    world.channel = createTelegramChannel(deps, account);
  });
  afterEach(async () => {
    world.channel.stop();
    await world.fake.close();
    await world.instance.cleanup();
    world.logs.length = 0;
  });
  return world;
}

/** Every job queued, in the order the queue hands them out (a group's next one after an ack). */
export async function queuedJobs(world: ChannelWorld): Promise<TurnJob[]> {
  const { queue } = world.instance.ports;
  const jobs: TurnJob[] = [];
  for (;;) {
    const deliveries = await queue.receive({ max: 10, visibilityMs: 60_000 });
    if (deliveries.length === 0) return jobs;
    for (const delivery of deliveries) {
      const job = asTurnJob(delivery.body)!;
      expect(delivery.group).toBe(job.sessionKey);
      expect(delivery.dedupeId).toBe(job.id);
      jobs.push(job);
      await queue.ack(delivery);
    }
  }
}

/** Stores an outcome for `job` as a turn would, and returns it. */
export const storeOutcome = (world: ChannelWorld, job: TurnJob, reply: string): Promise<OutboxRecord> =>
  world.instance.ports.outbox.put({
    key: job.id,
    sessionKey: job.sessionKey,
    ...(job.deliverTo && { deliverTo: job.deliverTo }),
    status: "done",
    reply,
    usage: { inputTokens: 0, outputTokens: 0 },
    createdAt: world.instance.clock.now(),
  });

export const sentTexts = (world: ChannelWorld) =>
  world.fake.sent.filter((c) => c.method === "sendMessage").map((c) => c.params["text"]);

/**
 * Settles `work`, which waits on the fake clock between Bot API calls (pacing, backoff, flood pauses):
 * each time it is parked on the clock, time moves on by `stepMs`.
 */
export async function settleOnClock<T>(
  world: ChannelWorld,
  work: Promise<T>,
  stepMs = 500,
): Promise<PromiseSettledResult<T>> {
  const { clock } = world.instance;
  let result: PromiseSettledResult<T> | undefined;
  void work.then(
    (value) => (result = { status: "fulfilled", value }),
    (reason: unknown) => (result = { status: "rejected", reason }),
  );
  while (!result) {
    await vi.waitFor(() => expect(result !== undefined || clock.pending > 0).toBe(true), {
      timeout: 5_000,
      interval: 2,
    });
    if (!result) await clock.advance(stepMs);
  }
  return result;
}
