import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LoadAPIKeyError } from "@ai-sdk/provider";
import { APICallError, generateText } from "ai";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { startOpenAIChatFake } from "../../test/fakes/openai-chat-server.ts";
import { checkModel } from "./check-model.ts";
import { explainModelError } from "./explain-error.ts";
import { noModelMessage, parseModelRef } from "./model-ref.ts";
import { detectOllama, resolveModel } from "./resolve-model.ts";

const config = configSchema.parse({});

async function withServer(handler: Parameters<typeof createServer>[1], fn: (url: string) => Promise<void>) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe("model references", () => {
  it("splits provider and model, keeping slashes and colons in the model id", () => {
    expect(parseModelRef("openai-compatible/qwen2.5:7b")).toEqual({
      provider: "openai-compatible",
      model: "qwen2.5:7b",
    });
    expect(parseModelRef("bedrock/us.anthropic.claude:0")).toEqual({
      provider: "bedrock",
      model: "us.anthropic.claude:0",
    });
    expect(() => parseModelRef("gpt-5")).toThrow(/provider\/model/);
    expect(() => parseModelRef("google/gemini")).toThrow(
      /anthropic, openai, bedrock, openai-compatible, ollama/,
    );
    expect(parseModelRef("ollama/llama3.2")).toEqual({ provider: "ollama", model: "llama3.2" });
  });

  it("resolves each provider to the matching AI SDK model", async () => {
    const env = { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k", AWS_REGION: "eu-west-1" };
    expect((await resolveModel("anthropic/claude-x", config, env)).model.provider).toMatch(/^anthropic/);
    expect((await resolveModel("openai/gpt-x", config, env)).model.provider).toBe("openai.chat");
    expect((await resolveModel("bedrock/amazon.nova-pro-v1:0", config, env)).model.provider).toMatch(
      /bedrock/,
    );
    const local = await resolveModel("openai-compatible/llama3.2", config, env);
    expect(local.model.provider).toMatch(/^openai-compatible/);
    expect(local.model.modelId).toBe("llama3.2");
  });
});

describe("no model configured", () => {
  it("lists what to set for every provider", () => {
    const message = noModelMessage(null);
    for (const hint of [
      "ANTHROPIC_API_KEY",
      "OPENAI_API_KEY",
      "AWS_REGION",
      "OPENAI_COMPATIBLE_BASE_URL",
      "AGENT_CLAW_MODEL=",
    ]) {
      expect(message).toContain(hint);
    }
    expect(message).not.toContain("Ollama is running");
  });

  it("detects a local Ollama and suggests its first model", async () => {
    await withServer(
      (req, res) => {
        expect(req.url).toBe("/api/tags");
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ models: [{ name: "llama3.2:latest" }, { name: "qwen3:8b" }] }));
      },
      async (url) => {
        const models = await detectOllama(`${url}/v1`);
        expect(models).toEqual(["llama3.2:latest", "qwen3:8b"]);
        expect(noModelMessage(models)).toContain("AGENT_CLAW_MODEL=ollama/llama3.2:latest");
      },
    );
    expect(await detectOllama("http://127.0.0.1:9/v1", 200)).toBeNull();
  });
});

describe("model errors", () => {
  const apiError = (statusCode: number | undefined, cause?: unknown) =>
    new APICallError({
      message: "failed",
      url: "http://127.0.0.1:11434/v1/chat/completions",
      requestBodyValues: {},
      statusCode,
      cause,
    });

  it("names the variable to check, the endpoint and what to do", () => {
    expect(explainModelError(apiError(401), "anthropic/claude-x")).toMatch(
      /refused the credentials \(401\) at http:\/\/127\.0\.0\.1:11434\. Check ANTHROPIC_API_KEY/,
    );
    expect(explainModelError(apiError(404), "openai/gpt-x")).toMatch(/"openai\/gpt-x" was not found/);
    expect(explainModelError(apiError(429), "openai/gpt-x")).toMatch(/rate-limiting/);
    expect(explainModelError(apiError(503), "openai/gpt-x")).toMatch(/had an error or is overloaded \(503\)/);
    const missing = new LoadAPIKeyError({
      message: "Anthropic API key is missing. Pass it using the 'apiKey' parameter",
    });
    expect(explainModelError(missing, "anthropic/claude-x")).toBe(
      'The model "anthropic/claude-x" has no API key: set ANTHROPIC_API_KEY (see `agent-claw doctor`).',
    );
    const refused = apiError(undefined, Object.assign(new Error("connect"), { code: "ECONNREFUSED" }));
    expect(explainModelError(refused, "openai-compatible/llama3.2")).toMatch(
      /Could not reach the model .*ECONNREFUSED.*ollama serve/,
    );
  });
});

describe("models people type", () => {
  it("runs ollama/<model> against Ollama's address, or where OLLAMA_HOST says", async () => {
    const fake = await startOpenAIChatFake({ script: [{ text: "hi from llama" }] });
    try {
      const host = new URL(fake.url).host; // "127.0.0.1:port", as OLLAMA_HOST is usually written
      const { model } = await resolveModel("ollama/llama3.2", config, { OLLAMA_HOST: host });
      expect((await generateText({ model, prompt: "hello" })).text).toBe("hi from llama");
      expect(fake.requests[0]?.model).toBe("llama3.2");
      const local = await resolveModel("ollama/llama3.2", config, {});
      expect(local.model.provider).toMatch(/^ollama/);
      expect(await checkModel("ollama/llama3.2", config, { OLLAMA_HOST: host })).toMatchObject({ ok: true });
    } finally {
      await fake.close();
    }
  });

  it("names the variable to set when a key is missing or an address is not a URL", async () => {
    await expect(resolveModel("anthropic/claude-sonnet-4-5", config, {})).rejects.toThrow(
      /^ANTHROPIC_API_KEY is not set\. .*export ANTHROPIC_API_KEY=/,
    );
    await expect(resolveModel("openai/gpt-5-mini", config, {})).rejects.toThrow(/OPENAI_API_KEY is not set/);
    const notUrl = { OPENAI_COMPATIBLE_BASE_URL: "not-a-url" };
    await expect(resolveModel("openai-compatible/qwen3", config, notUrl)).rejects.toThrow(
      /OPENAI_COMPATIBLE_BASE_URL="not-a-url" is not a URL\. Set OPENAI_COMPATIBLE_BASE_URL to the server's address/,
    );
    await expect(resolveModel("ollama/llama3.2", config, { OLLAMA_HOST: "http://" })).rejects.toThrow(
      /OLLAMA_HOST="http:\/\/" is not an address/,
    );
    expect(await checkModel("openai-compatible/qwen3", config, notUrl)).toMatchObject({
      ok: false,
      detail: 'OPENAI_COMPATIBLE_BASE_URL="not-a-url" is not a URL',
    });
    expect(await checkModel("anthropic/claude-x", config, {})).toMatchObject({
      ok: false,
      detail: "ANTHROPIC_API_KEY is not set",
    });
  });
});
