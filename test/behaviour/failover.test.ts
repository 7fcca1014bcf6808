// Failover on each engine's real ports with the fake Anthropic server and two keys: a rate-limited key
// is skipped for the next, its cooldown outlives the turn and ends with Retry-After (fake clock), and
// usage is recorded under the model that answered. On aws the cooldown is a DynamoDB item, so another
// Lambda over the same table skips the key too.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/core/messages.ts";
import { createAssistant } from "../../src/engines/assistant.ts";
import { configFromEnv } from "../../src/engines/aws/config-from-env.ts";
import { startAnthropicFake } from "../fakes/anthropic-messages-server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import type { RecordedRequest } from "../fakes/model-script.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { ADA_DM, fromAda } from "./ada.ts";

const START = Date.UTC(2026, 10, 22, 9, 0, 0);
const K1 = "sk-ant-behaviour-key-one-01";
const K2 = "sk-ant-behaviour-key-two-02";
const DM = ADA_DM;
const inbound = (text: string): InboundMessage => fromAda(text, START, { id: `m-${text}` });

describe.each(engines)("model failover on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  let fake: FakeModelServer;
  /** Which key each request to the fake carried, in order. */
  const keys: string[] = [];
  let firstKeyLimited = true;
  beforeAll(async () => {
    const step = (request: RecordedRequest) => {
      const key = request.headers["x-api-key"] === K1 ? "K1" : "K2";
      keys.push(key);
      if (key === "K1" && firstKeyLimited) {
        return { error: { status: 429, message: "rate limit exceeded", retryAfter: 60 } };
      }
      return { text: `Answered with ${key}.` };
    };
    fake = await startAnthropicFake({ script: Array.from({ length: 20 }, () => step) });
    await engine.setup();
  });
  afterAll(async () => {
    await fake?.close();
    await engine.teardown();
  });
  afterEach(async () => {
    await instance?.cleanup();
    instance = undefined;
  });

  const assistantOn = (opened: EngineInstance, logs: string[] = []) => {
    const env = {
      AGENT_CLAW_MODEL: "anthropic/claude-haiku-4-5",
      ANTHROPIC_API_KEY: K1,
      ANTHROPIC_API_KEY_2: K2,
      ANTHROPIC_BASE_URL: fake.url,
      AGENT_CLAW_CONFIG: "{}",
    };
    return createAssistant({
      ports: opened.ports,
      config: configFromEnv(env),
      env,
      engine: engine.name,
      log: (_level, message) => logs.push(message),
    });
  };
  const ask = async (assistant: ReturnType<typeof assistantOn>, text: string) =>
    (await assistant.turn({ sessionKey: "agent:main:main", messages: [inbound(text)], channel: DM })).reply;

  it("skips a rate-limited key for the next, for as long as Retry-After said", async () => {
    instance = await engine.open(START);
    keys.length = 0;
    const logs: string[] = [];
    const assistant = assistantOn(instance, logs);
    expect(await ask(assistant, "one")).toBe("Answered with K2.");
    expect(logs).toEqual([
      "model failover: anthropic/claude-haiku-4-5 (anthropic key #2) answered after anthropic/claude-haiku-4-5 (anthropic key #1): rate_limit, cooling 1 min",
    ]);
    expect(await ask(assistant, "two")).toBe("Answered with K2.");
    expect(keys).toEqual(["K1", "K2", "K2"]);

    if (engine.name === "aws") {
      // Another Lambda, over the same table: the key is cooling down there too.
      expect(await ask(assistantOn(instance), "three")).toBe("Answered with K2.");
      expect(keys.at(-1)).toBe("K2");
    }

    firstKeyLimited = false;
    await instance.clock.advance(60_000);
    expect(await ask(assistant, "four")).toBe("Answered with K1.");
    const records = await instance.ports.usage.list(START - 1, START + 120_000);
    expect(records.map((r) => r.model)).toContain("anthropic/claude-haiku-4-5");
  });
});
