// The setup card's methods on a gateway with no model: the providers, a local Ollama's models, a
// connection test that calls no model, and a save through config.patch that keeps the key to itself.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicFake } from "../fakes/anthropic-messages-server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { chatEvent, type ControlWorld, startControlWorld } from "./control-harness.ts";

const KEY = "sk-ant-setup-card-0123456789";

let world: ControlWorld;
let anthropic: FakeModelServer;
let ollama: FakeModelServer;

beforeEach(async () => {
  anthropic = await startAnthropicFake({ apiKey: KEY });
  ollama = await startOpenAIChatFake({ models: ["llama3.2:latest", "qwen3:8b"] });
  world = await startControlWorld({
    env: { AGENT_CLAW_MODEL: undefined, OPENAI_COMPATIBLE_BASE_URL: undefined },
  });
});

afterEach(async () => {
  await world.close();
  await anthropic.close();
  await ollama.close();
});

const payload = (frame: { ok: boolean }) => {
  if (!frame.ok) throw new Error(`expected ok, got ${JSON.stringify(frame)}`);
  return (frame as unknown as { payload: Record<string, unknown> }).payload;
};

describe("setup", () => {
  it("lists the providers, finds Ollama's models, tests a key without a model call, saves, and chats", async () => {
    const client = await world.client();
    const refused = await client.request("chat.send", { text: "hello?" });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: "unavailable", message: expect.stringContaining("setup card") },
    });

    const status = payload(await client.request("setup.status"));
    expect(status.model).toBeNull();
    expect(status.providers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "anthropic", key: "required", keyFrom: null }),
        expect.objectContaining({ id: "ollama", key: "none", urlVariable: "OLLAMA_HOST" }),
      ]),
    );

    expect(payload(await client.request("setup.ollamaModels", { baseURL: ollama.url }))).toEqual({
      baseURL: ollama.url,
      models: ["llama3.2:latest", "qwen3:8b"],
    });
    const notPulled = { provider: "ollama", model: "mistral", baseURL: ollama.url };
    expect(payload(await client.request("setup.test", notPulled))).toMatchObject({
      ok: false,
      fix: "ollama pull mistral",
    });

    // A wrong key is refused by the provider; the right one is accepted. Neither calls the model.
    const connection = { provider: "anthropic", model: "claude-fake", baseURL: anthropic.url };
    expect(
      payload(await client.request("setup.test", { ...connection, apiKey: "sk-ant-wrong-000000000" })),
    ).toMatchObject({ ok: false, detail: expect.stringContaining("refused the credentials (401)") });
    expect(payload(await client.request("setup.test", { ...connection, apiKey: KEY }))).toMatchObject({
      ok: true,
    });
    expect(anthropic.requests).toHaveLength(0);

    // Bad input is named, field by field.
    const bad = await client.request("setup.save", { provider: "anthropic", model: "", apiKey: "short" });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(JSON.stringify(bad)).toContain("params.apiKey");
    expect(JSON.stringify(bad)).not.toContain("short");

    const saved = await client.request("setup.save", { ...connection, apiKey: KEY });
    expect(payload(saved)).toMatchObject({ model: "anthropic/claude-fake" });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    expect(world.gateway.ctx.config().model).toBe("anthropic/claude-fake");
    const file = JSON.parse(await readFile(join(world.home, "config.json"), "utf8"));
    expect(file).toMatchObject({
      model: "anthropic/claude-fake",
      providers: { anthropic: { apiKey: KEY, baseURL: anthropic.url } },
    });
    // Never shown again: config.get and setup.status say only where the key is.
    const config = await client.request("config.get");
    expect(JSON.stringify(config)).not.toContain(KEY);
    expect(JSON.stringify(config)).toContain('"apiKey":"[redacted]"');
    expect(payload(await client.request("setup.status")).providers).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: "anthropic", keyFrom: "config" })]),
    );

    // The saved key goes only to the address it was saved for, never to one typed later.
    const elsewhere = { provider: "anthropic", model: "claude-fake", baseURL: ollama.url };
    expect(payload(await client.request("setup.test", elsewhere))).toMatchObject({
      ok: false,
      fix: "Type the key to test it against this address.",
    });
    expect(ollama.requests).toHaveLength(0);
    // Nor saved beside it, for the next turn to send there.
    expect(await client.request("setup.save", elsewhere)).toMatchObject({
      ok: false,
      error: { code: "invalid_params", message: expect.stringContaining("Type the key to save it") },
    });
    expect(world.gateway.ctx.config().providers.anthropic.baseURL).toBe(anthropic.url);

    // The saved key is what the turn runs with.
    anthropic.script([{ text: "Set up and running." }]);
    const sent = await client.request("chat.send", { text: "hello now", idempotencyKey: "after-setup" });
    expect(sent.ok).toBe(true);
    const final = await client.next(chatEvent("final", "ws:after-setup"));
    expect(final.payload).toMatchObject({ text: "Set up and running." });
    expect(anthropic.requests[0]?.headers["x-api-key"]).toBe(KEY);
    const logs = world.gateway.ctx.logs.tail({ limit: 1000 }).map((l) => l.message);
    expect(logs.join("\n")).not.toContain(KEY);
  });

  it("masks a key saved while running in the log, whatever its shape", async () => {
    const client = await world.client();
    const proxyKey = "local-proxy-key-abcdefgh";
    const save = { provider: "openai-compatible", model: "gpt-fake", baseURL: ollama.url, apiKey: proxyKey };
    expect(payload(await client.request("setup.save", save))).toMatchObject({
      model: "openai-compatible/gpt-fake",
    });
    world.gateway.ctx.logs.log("warn", `a provider echoed Authorization: ${proxyKey}`);
    expect(world.gateway.ctx.logs.tail().at(-1)?.message).toBe("a provider echoed Authorization: [redacted]");

    // Saved again for another server without a key: the old key is not kept for the new address.
    const moved = { provider: "openai-compatible", model: "gpt-fake", baseURL: anthropic.url };
    expect(payload(await client.request("setup.save", moved))).toMatchObject({
      model: "openai-compatible/gpt-fake",
    });
    expect(world.gateway.ctx.config().providers.openaiCompatible).toEqual({ baseURL: anthropic.url });
  });
});
