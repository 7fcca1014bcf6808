// Usage and daily limits on each engine's real ports (state.db locally, DynamoDB on aws) with the
// fake OpenAI-compatible server: every model call of a turn is recorded with its kind, a heartbeat's
// too, and a reached daily limit stops the next call before it is made, with a message saying why.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ModelCallError } from "../../src/core/agent/model-call-error.ts";
import type { InboundMessage } from "../../src/core/messages.ts";
import { failureReply } from "../../src/core/turn/failure-reply.ts";
import { createAssistant } from "../../src/engines/assistant.ts";
import { configFromEnv } from "../../src/engines/aws/config-from-env.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startAnthropicFake } from "../fakes/anthropic-messages-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { ADA_DM, fromAda } from "./ada.ts";

// 09:00 UTC, 10:00 in Berlin: the day there ends in 14 hours.
const START = Date.UTC(2026, 10, 22, 9, 0, 0);
const DM = ADA_DM;

const inbound = (text: string, internal?: InboundMessage["internal"]): InboundMessage =>
  fromAda(text, START, { id: `m-${text}`, ...(internal && { internal }) });

describe.each(engines)("usage on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  let fake: FakeModelServer;
  let claude: FakeModelServer;
  beforeAll(async () => {
    [fake, claude] = await Promise.all([startOpenAIChatFake(), startAnthropicFake()]);
    await engine.setup();
  });
  afterAll(async () => {
    await Promise.all([fake?.close(), claude?.close()]);
    await engine.teardown();
  });
  afterEach(async () => {
    await instance?.cleanup();
    instance = undefined;
  });

  async function open(settings: Record<string, unknown>, model = "openai-compatible/fake") {
    instance = await engine.open(START);
    const env = {
      AGENT_CLAW_MODEL: model,
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: "sk-ant-usage-test",
      ANTHROPIC_BASE_URL: claude.url,
      AGENT_CLAW_CONFIG: JSON.stringify({
        agent: { timezone: "Europe/Berlin" },
        // $1 per million input and $2 per million output tokens: 1,000 in and 500 out cost $0.002.
        models: { prices: { "openai-compatible/fake": { input: 1, output: 2 } } },
        ...settings,
      }),
    };
    return createAssistant({ ports: instance.ports, config: configFromEnv(env), env, engine: engine.name });
  }

  it("records every call of a turn and of a heartbeat, with tokens, kind and estimated cost", async () => {
    const assistant = await open({});
    fake.script([
      {
        toolCalls: [{ name: "list", input: { path: "." } }],
        usage: { inputTokens: 1_000, outputTokens: 500 },
      },
      { text: "Nothing there.", usage: { inputTokens: 1_200, outputTokens: 100, cacheReadTokens: 800 } },
      { text: "HEARTBEAT_OK", usage: { inputTokens: 300, outputTokens: 5 } },
    ]);
    await assistant.turn({
      sessionKey: "agent:main:main",
      messages: [inbound("what is here?")],
      channel: DM,
    });
    await assistant.turn({
      sessionKey: "agent:main:main",
      messages: [inbound("Read HEARTBEAT.md", "heartbeat")],
      channel: DM,
    });
    const records = await instance!.ports.usage.list(START - 1, START + 1);
    expect(records.map((r) => [r.kind, r.inputTokens, r.cacheReadTokens, r.outputTokens])).toEqual([
      ["turn", 1_000, 0, 500],
      ["turn", 2_000, 800, 100],
      ["heartbeat", 300, 0, 5],
    ]);
    expect(
      records.every((r) => r.model === "openai-compatible/fake" && r.sessionKey === "agent:main:main"),
    ).toBe(true);
    // Without a cache price, cached tokens cost what input does.
    expect(records[0]!.costUsd).toBeCloseTo(0.002, 10);
    expect(records[1]!.costUsd).toBeCloseTo(0.0022, 10);
  });

  it("stops calls once the day's tokens reach dailyTokens, before the model is asked, and says until when", async () => {
    const assistant = await open({ limits: { dailyTokens: 1_000 } });
    fake.script([{ text: "First answer.", usage: { inputTokens: 900, outputTokens: 150 } }]);
    await assistant.turn({ sessionKey: "agent:main:main", messages: [inbound("one")], channel: DM });
    const asked = fake.requests.length;
    const error = await assistant
      .turn({ sessionKey: "agent:main:main", messages: [inbound("two")], channel: DM })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).kind).toBe("usage_limit");
    expect(fake.requests.length).toBe(asked);
    expect(failureReply(error)).toBe(
      "Sorry, I could not answer this message: The daily limit of 1,000 tokens is reached (1,050 tokens used today); it resets at midnight Europe/Berlin, in 14 h 0 min.",
    );
    // A new day in Berlin: the limit starts again.
    await instance!.clock.advance(14 * 3_600_000);
    fake.script([{ text: "Good morning." }]);
    const next = await assistant.turn({
      sessionKey: "agent:main:main",
      messages: [inbound("three")],
      channel: DM,
    });
    expect(next.reply).toBe("Good morning.");
  });

  it("records a call that failed over under the fallback that answered (the refused attempt cost nothing)", async () => {
    const assistant = await open(
      { agent: { timezone: "Europe/Berlin", fallbacks: ["openai-compatible/fake"] } },
      "anthropic/claude-sonnet-4-5",
    );
    claude.script([{ error: { status: 429, message: "Number of requests has exceeded your rate limit" } }]);
    fake.script([{ text: "From the fallback.", usage: { inputTokens: 400, outputTokens: 20 } }]);
    const result = await assistant.turn({
      sessionKey: "agent:main:main",
      messages: [inbound("hi")],
      channel: DM,
    });
    expect(result.reply).toBe("From the fallback.");
    const records = await instance!.ports.usage.list(START - 1, START + 1);
    expect(records.map((r) => [r.model, r.inputTokens, r.outputTokens])).toEqual([
      ["openai-compatible/fake", 400, 20],
    ]);
  });
});
