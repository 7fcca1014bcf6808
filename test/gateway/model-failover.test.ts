// Failover as a person on Telegram sees it: a real gateway, the fake Bot API, a fake Anthropic with two
// keys and the fake OpenAI-compatible server as the fallback. The chat just gets its answer; the log
// says which key or model gave it, naming keys by position only.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAnthropicFake } from "../fakes/anthropic-messages-server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import type { RecordedRequest } from "../fakes/model-script.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import { ADA, useTelegramWorld } from "./telegram-world.ts";

const K1 = "sk-ant-gateway-key-one-0001";
const K2 = "sk-ant-gateway-key-two-0002";
const world = useTelegramWorld("ac-failover-");
let anthropic: FakeModelServer | undefined;
let logged = "";

afterEach(async () => {
  await anthropic?.close();
  anthropic = undefined;
  logged = "";
});

/** The Anthropic fake answers every request with `answer(key)`; `keys` lists which key each request carried. */
async function startAnthropic(answer: (key: "K1" | "K2") => ReturnType<Step>) {
  const keys: string[] = [];
  const step: Step = (request) => {
    const key = request.headers["x-api-key"] === K1 ? "K1" : "K2";
    keys.push(key);
    return answer(key);
  };
  anthropic = await startAnthropicFake({ script: Array.from({ length: 10 }, () => step) });
  return keys;
}
type Step = (
  request: RecordedRequest,
) => { text: string } | { error: { status: number; message: string; retryAfter?: number } };

async function start(): Promise<RunningGateway> {
  await writeFile(
    join(world.home, "config.json"),
    JSON.stringify({
      model: "anthropic/claude-haiku-4-5",
      agent: { fallbacks: ["openai-compatible/fake"] },
      channels: { telegram: { allowFrom: [String(ADA)], streaming: false } },
    }),
  );
  world.gateway = await startGateway({
    env: {
      AGENT_CLAW_HOME: world.home,
      ANTHROPIC_API_KEY: K1,
      ANTHROPIC_API_KEY_2: K2,
      ANTHROPIC_BASE_URL: anthropic!.url,
      OPENAI_COMPATIBLE_BASE_URL: world.model.url,
      AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
      TELEGRAM_BOT_TOKEN: world.telegram.token,
      TELEGRAM_API_ROOT: world.telegram.url,
      TZ: "UTC",
    },
    port: 0,
    retryDelayMs: 0,
    write: (text) => {
      logged += text;
    },
  });
  return world.gateway;
}

async function ask(text: string, replies: number): Promise<string> {
  world.telegram.pushUpdate(world.telegram.message({ text }));
  const sent = await world.telegram.waitFor("sendMessage", 5000, replies);
  return String(sent.at(-1)?.params["text"]);
}

describe("model failover in the gateway", () => {
  it("answers from the spare key while the first is rate-limited, then from the fallback when Anthropic is overloaded", async () => {
    let overloaded = false;
    const keys = await startAnthropic((key) => {
      if (overloaded) return { error: { status: 529, message: "Overloaded" } };
      return key === "K1"
        ? { error: { status: 429, message: "rate limit exceeded", retryAfter: 600 } }
        : { text: "Answered with the spare key." };
    });
    world.model.script([{ text: "The fallback answers." }]);
    await start();
    expect(await ask("What's on today?", 1)).toBe("Answered with the spare key.");
    expect(logged).toContain(
      "model failover: anthropic/claude-haiku-4-5 (anthropic key #2) answered after anthropic/claude-haiku-4-5 (anthropic key #1): rate_limit, cooling 10 min",
    );

    overloaded = true;
    expect(await ask("And tomorrow?", 2)).toBe("The fallback answers.");
    // Key #1 was still waiting out its 10 minutes: only key #2 met the overload.
    expect(keys).toEqual(["K1", "K2", "K2"]);
    expect(logged).toContain(
      "model failover: openai-compatible/fake (openai-compatible) answered after anthropic/claude-haiku-4-5 (anthropic key #2): overloaded, cooling 1 min",
    );
    expect(logged).not.toContain(K1);
    expect(logged).not.toContain(K2);
    expect(await ask("/status", 3)).toContain(
      "Model: anthropic/claude-haiku-4-5, then openai-compatible/fake",
    );
  });
});
