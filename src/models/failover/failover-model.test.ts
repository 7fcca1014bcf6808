// Failover against the fake Anthropic and OpenAI servers on 127.0.0.1, through the real provider SDKs:
// errors come back as the real APIs send them (429 with retry-after, 529 overloaded, 401, 400).
import { afterEach, describe, expect, it } from "vitest";
import type { RecordedRequest, ScriptStep } from "../../../test/fakes/model-script.ts";
import { startAnthropicFake } from "../../../test/fakes/anthropic-messages-server.ts";
import type { FakeModelServer } from "../../../test/fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../../../test/fakes/openai-chat-server.ts";
import { createSqliteValues } from "../../adapters/sqlite/values.ts";
import { openStateDb } from "../../adapters/sqlite/db.ts";
import { configSchema } from "../../config/schema.ts";
import { classifyModelError } from "../../core/agent/model-error-kind.ts";
import { runModelStep } from "../../core/agent/model-step.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import {
  type CooldownStore,
  createMemoryCooldownStore,
  createValuesCooldownStore,
} from "./cooldown-store.ts";
import { resolveModelChain } from "./model-chain.ts";

const K1 = "sk-ant-fake-key-one-111";
const K2 = "sk-ant-fake-key-two-222";
const MODEL = "anthropic/claude-haiku-4-5";

const servers: FakeModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Reply = Exclude<ScriptStep, (request: RecordedRequest) => unknown>;

/** An Anthropic fake answering by the key a request carries; every request's key is kept in order. */
async function anthropicByKey(replies: Record<string, () => Reply>) {
  const keys: string[] = [];
  const step = (request: RecordedRequest): Reply => {
    const key = request.headers["x-api-key"] ?? "";
    keys.push(key === K1 ? "K1" : key === K2 ? "K2" : key);
    return replies[key]?.() ?? { text: "unexpected key" };
  };
  const server = await startAnthropicFake({ script: Array.from({ length: 30 }, () => step) });
  servers.push(server);
  return { server, keys };
}

const ok = (text: string) => () => ({ text });
const rateLimited = (retryAfter?: number) => () => ({
  error: {
    status: 429,
    message: "Number of request tokens has exceeded your per-minute rate limit",
    retryAfter,
  },
});

interface Harness {
  clock: FakeClock;
  cooldowns: CooldownStore;
  logs: string[];
  /** One model step; `maxRetries` is the step's own retry of a retryable failure (default none). */
  ask(maxRetries?: number): Promise<string>;
}

async function harness(
  anthropicUrl: string,
  options: { fallbacks?: string[]; openaiUrl?: string; cooldowns?: CooldownStore; clock?: FakeClock } = {},
): Promise<Harness> {
  const clock = options.clock ?? createFakeClock();
  const cooldowns = options.cooldowns ?? createMemoryCooldownStore(clock);
  const logs: string[] = [];
  const config = configSchema.parse({
    model: MODEL,
    providers: {
      anthropic: { baseURL: anthropicUrl },
      ...(options.openaiUrl && { openai: { baseURL: options.openaiUrl } }),
    },
    agent: { fallbacks: options.fallbacks },
  });
  const env = { ANTHROPIC_API_KEY: K1, ANTHROPIC_API_KEY_2: K2, OPENAI_API_KEY: "sk-openai-fake-key-333" };
  const { model } = await resolveModelChain(MODEL, {
    config,
    env,
    cooldowns,
    clock,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  const ask = async (maxRetries = 0) => {
    const step = await runModelStep({
      model,
      call: { prompt: [{ role: "user", content: [{ type: "text", text: "hello" }] }] },
      onText: () => {},
      onToolCall: () => {},
      clock,
      maxRetries,
    });
    if (step.error) throw step.error;
    return step.text;
  };
  return { clock, cooldowns, logs, ask };
}

describe("model failover over several keys and models", () => {
  it("skips a rate-limited key for the next one, and says which answered without showing a key", async () => {
    const { server, keys } = await anthropicByKey({ [K1]: rateLimited(30), [K2]: ok("from key two") });
    const h = await harness(server.url);
    expect(await h.ask()).toBe("from key two");
    expect(keys).toEqual(["K1", "K2"]);
    expect(h.logs).toEqual([
      `warn: model failover: ${MODEL} (anthropic key #2) answered after ${MODEL} (anthropic key #1): rate_limit, cooling 30 s`,
    ]);
    expect(h.logs.join("\n")).not.toContain(K1);
  });

  it("keeps a key cooling for later turns, for as long as Retry-After said, then tries it again", async () => {
    const { server, keys } = await anthropicByKey({ [K1]: rateLimited(30), [K2]: ok("from key two") });
    const h = await harness(server.url);
    await h.ask();
    await h.ask();
    expect(keys).toEqual(["K1", "K2", "K2"]);

    await h.clock.advance(29_000);
    await h.ask();
    expect(keys.at(-1)).toBe("K2");

    await h.clock.advance(1_000);
    await h.ask();
    expect(keys.at(-2)).toBe("K1");
  });

  it("without Retry-After cools a key 1 min, then 5 min after a second failure in a row", async () => {
    let firstFails = true;
    const { server, keys } = await anthropicByKey({
      [K1]: () => (firstFails ? rateLimited()() : { text: "key one again" }),
      [K2]: ok("from key two"),
    });
    const h = await harness(server.url);
    await h.ask();
    await h.clock.advance(60_000);
    await h.ask(); // K1 fails again: strike two
    expect(keys).toEqual(["K1", "K2", "K1", "K2"]);
    await h.clock.advance(4 * 60_000);
    await h.ask();
    expect(keys.at(-1)).toBe("K2");
    firstFails = false;
    await h.clock.advance(60_000);
    expect(await h.ask()).toBe("key one again");
  });

  it("does not fail over on a bad request, and cools nothing down", async () => {
    let bad = true;
    const { server, keys } = await anthropicByKey({
      [K1]: () =>
        bad
          ? { error: { status: 400, message: "messages: roles must alternate between user and assistant" } }
          : { text: "fine" },
      [K2]: ok("from key two"),
    });
    const h = await harness(server.url);
    const error = await h.ask().catch((e: unknown) => e);
    expect(classifyModelError(error)).toBe("bad_request");
    expect(keys).toEqual(["K1"]);
    bad = false;
    expect(await h.ask()).toBe("fine");
    expect(keys).toEqual(["K1", "K1"]);
    expect(h.logs).toEqual([]);
  });

  it("a context overflow surfaces for the session to handle and puts no key into cooldown", async () => {
    const overflow = {
      error: { status: 400, message: "prompt is too long: 215000 tokens > 200000 maximum" },
    };
    let overflowing = true;
    const { server, keys } = await anthropicByKey({
      [K1]: () => (overflowing ? overflow : { text: "another session" }),
      [K2]: ok("from key two"),
    });
    const h = await harness(server.url);
    const error = await h.ask().catch((e: unknown) => e);
    expect(classifyModelError(error)).toBe("context_overflow");
    overflowing = false;
    expect(await h.ask()).toBe("another session");
    expect(keys).toEqual(["K1", "K1"]);
  });

  it("answers with the fallback model when every key of the primary fails", async () => {
    const { server, keys } = await anthropicByKey({
      [K1]: () => ({ error: { status: 401, message: "invalid x-api-key" } }),
      [K2]: () => ({
        error: {
          status: 400,
          type: "invalid_request_error",
          message: "Your credit balance is too low to access the Anthropic API.",
        },
      }),
    });
    const openai = await startOpenAIChatFake({ script: [{ text: "fallback here" }, { text: "still me" }] });
    servers.push(openai);
    const h = await harness(server.url, { fallbacks: ["openai/gpt-fake"], openaiUrl: openai.url });
    expect(await h.ask()).toBe("fallback here");
    expect(keys).toEqual(["K1", "K2"]);
    expect(openai.requests.map((r) => r.model)).toEqual(["gpt-fake"]);
    expect(h.logs[0]).toContain("anthropic key #1): auth, cooling 60 min; ");
    expect(h.logs[0]).toContain("anthropic key #2): billing, cooling 60 min");
    // Refused and unpaid keys stay out for the next turn.
    expect(await h.ask()).toBe("still me");
    expect(keys).toEqual(["K1", "K2"]);
  });

  it("on Anthropic's 529 overloaded goes straight to the fallback: another key reaches the same busy model", async () => {
    const overloaded = () => ({ error: { status: 529, message: "Overloaded" } });
    const { server, keys } = await anthropicByKey({ [K1]: overloaded, [K2]: overloaded });
    const openai = await startOpenAIChatFake({ script: [{ text: "fallback here" }] });
    servers.push(openai);
    const h = await harness(server.url, { fallbacks: ["openai/gpt-fake"], openaiUrl: openai.url });
    expect(await h.ask()).toBe("fallback here");
    expect(keys).toEqual(["K1"]);
    expect(h.logs[0]).toContain("(anthropic key #1): overloaded, cooling 1 min");
  });

  it("when every candidate is cooling down, tries the one whose cooldown ends first instead of refusing", async () => {
    let limited = true;
    const { server, keys } = await anthropicByKey({
      [K1]: () => (limited ? rateLimited(20)() : { text: "key one" }),
      [K2]: () => (limited ? rateLimited(40)() : { text: "key two" }),
    });
    const h = await harness(server.url);
    const error = await h.ask().catch((e: unknown) => e);
    expect(classifyModelError(error)).toBe("rate_limit");
    expect(keys).toEqual(["K1", "K2"]);
    limited = false;
    expect(await h.ask()).toBe("key one");
    expect(h.logs).toContain(
      `info: model failover: every candidate is cooling down; trying ${MODEL} (anthropic key #1) anyway`,
    );
  });

  it("does not run the whole chain again when every candidate failed: one round, no stacked cooldowns", async () => {
    const { server, keys } = await anthropicByKey({ [K1]: rateLimited(), [K2]: rateLimited() });
    const h = await harness(server.url);
    const error = await h.ask(2).catch((e: unknown) => e);
    expect(classifyModelError(error)).toBe("rate_limit");
    expect((error as { isRetryable?: boolean }).isRetryable).toBe(false);
    expect(keys).toEqual(["K1", "K2"]);
  });

  it("shares cooldowns through the Values port, as two Lambdas would", async () => {
    const { server, keys } = await anthropicByKey({ [K1]: rateLimited(30), [K2]: ok("from key two") });
    const clock = createFakeClock();
    const db = openStateDb(":memory:");
    try {
      const values = createSqliteValues({ db, clock });
      const first = await harness(server.url, { clock, cooldowns: createValuesCooldownStore(values) });
      const second = await harness(server.url, { clock, cooldowns: createValuesCooldownStore(values) });
      await first.ask();
      expect(await second.ask()).toBe("from key two");
      expect(keys).toEqual(["K1", "K2", "K2"]);
    } finally {
      db.close();
    }
  });
});
