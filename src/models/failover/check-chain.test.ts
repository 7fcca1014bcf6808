import { afterEach, describe, expect, it } from "vitest";
import { startAnthropicFake } from "../../../test/fakes/anthropic-messages-server.ts";
import type { FakeModelServer } from "../../../test/fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../../../test/fakes/openai-chat-server.ts";
import { configSchema } from "../../config/schema.ts";
import { checkChain } from "./check-chain.ts";

const GOOD = "sk-ant-good-key-0000001";
const DEAD = "sk-ant-revoked-key-0002";
const servers: FakeModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("doctor's failover check", () => {
  it("has nothing to say for one model with one key", async () => {
    const config = configSchema.parse({ model: "anthropic/claude-haiku-4-5" });
    expect(
      await checkChain("anthropic/claude-haiku-4-5", config, { ANTHROPIC_API_KEY: GOOD }),
    ).toBeUndefined();
  });

  it("probes every further key and fallback and names a refused spare by where it is set", async () => {
    const anthropic = await startAnthropicFake({ apiKey: GOOD });
    const openai = await startOpenAIChatFake({ apiKey: "sk-openai-good-0003" });
    servers.push(anthropic, openai);
    const config = configSchema.parse({
      model: "anthropic/claude-haiku-4-5",
      providers: { anthropic: { baseURL: anthropic.url }, openai: { baseURL: openai.url } },
      agent: { fallbacks: ["openai/gpt-fake"] },
    });
    const env = { ANTHROPIC_API_KEY: GOOD, ANTHROPIC_API_KEY_2: DEAD, OPENAI_API_KEY: "sk-openai-good-0003" };
    const result = await checkChain("anthropic/claude-haiku-4-5", config, env);
    expect(result).toEqual({
      ok: false,
      blocking: false,
      detail: `anthropic/claude-haiku-4-5 (2 keys) → openai/gpt-fake: anthropic/claude-haiku-4-5 with anthropic key #2: ${anthropic.url}/models refused the credentials (401)`,
      fix: "Check ANTHROPIC_API_KEY_2 (or providers.anthropic.apiKeys[0]).",
    });
    expect(JSON.stringify(result)).not.toContain(DEAD);

    const fixed = await checkChain("anthropic/claude-haiku-4-5", config, {
      ...env,
      ANTHROPIC_API_KEY_2: undefined,
    });
    expect(fixed).toEqual({
      ok: true,
      blocking: false,
      detail: "anthropic/claude-haiku-4-5 → openai/gpt-fake: every further key and fallback answered",
    });
  });

  it("names a fallback whose provider has no key", async () => {
    const config = configSchema.parse({ agent: { fallbacks: ["openai/gpt-5-mini"] } });
    const result = await checkChain("anthropic/claude-haiku-4-5", config, { ANTHROPIC_API_KEY: GOOD });
    expect(result).toMatchObject({
      ok: false,
      blocking: true,
      detail: "agent.fallbacks: openai/gpt-5-mini cannot be called: OPENAI_API_KEY is not set",
    });
  });
});
