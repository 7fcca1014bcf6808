// Drives the fake Anthropic Messages server with the real `@ai-sdk/anthropic` provider (ai 7):
// text, streaming, a tool round trip with a failing tool, usage, auth and rate-limit errors.
import { createAnthropic } from "@ai-sdk/anthropic";
import { APICallError, generateText, isStepCount, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAnthropicFake } from "./anthropic-messages-server.ts";
import type { FakeModelServer } from "./fake-model-server.ts";

const KEY = "sk-ant-test";
/** A model id the provider knows: unknown ids make it log a maxOutputTokens warning. */
const MODEL = "claude-haiku-4-5";
let fake: FakeModelServer;

beforeEach(async () => {
  fake = await startAnthropicFake({ apiKey: KEY });
});
afterEach(() => fake.close());

/** `fake.url` ends in /v1, as `createAnthropic`'s baseURL must. */
const claude = (apiKey = KEY) => createAnthropic({ baseURL: fake.url, apiKey })(MODEL);

const weather = tool({
  description: "Current weather for a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: "clear" }), // an object output is sent as JSON text
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("Anthropic messages fake", () => {
  it("answers generateText with scripted text and usage, and records the prompt and headers", async () => {
    fake.script([{ text: "Bonjour.", usage: { inputTokens: 30, outputTokens: 4 } }]);

    const result = await generateText({
      model: claude(),
      instructions: "Answer in French.",
      messages: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi!" },
        { role: "user", content: "Say good morning" },
      ],
    });

    expect(result.text).toBe("Bonjour.");
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toMatchObject({ inputTokens: 30, outputTokens: 4, totalTokens: 34 });
    const [request] = fake.requests;
    expect(request).toMatchObject({ path: "/v1/messages", model: MODEL, stream: false });
    expect(request?.headers["x-api-key"]).toBe(KEY);
    expect(request?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request?.system).toBe("Answer in French.");
    expect(request?.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "Hello"],
      ["assistant", "Hi!"],
      ["user", "Say good morning"],
    ]);
    expect(request?.lastUserText).toBe("Say good morning");
  });

  it("streams text in several deltas with usage from message_start and message_delta", async () => {
    fake.script([{ text: "Once upon a time", usage: { inputTokens: 8, outputTokens: 6 } }]);

    const result = streamText({ model: claude(), prompt: "A story" });
    const parts = await collect(result.stream);

    const deltas = parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : []));
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join("")).toBe("Once upon a time");
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });
    expect(await result.usage).toMatchObject({ inputTokens: 8, outputTokens: 6, totalTokens: 14 });
    expect(fake.requests[0]?.stream).toBe(true);
  });

  it("runs a streamed tool round trip; a throwing tool goes back as is_error", async () => {
    const flaky = tool({
      description: "Fails",
      inputSchema: z.object({ path: z.string() }),
      execute: async (): Promise<string> => {
        throw new Error("no such file");
      },
    });
    fake.script([
      {
        text: "Checking.",
        toolCalls: [
          { name: "weather", input: { city: "Lima" } },
          { name: "flaky", input: { path: "/x" } },
        ],
      },
      (request) => ({ text: `Saw ${request.messages.at(-1)?.toolResults.length} results.` }),
    ]);

    const result = streamText({
      model: claude(),
      tools: { weather, flaky },
      stopWhen: isStepCount(3),
      prompt: "Weather in Lima, and read /x",
    });
    const parts = await collect(result.stream);

    expect(await result.text).toBe("Saw 2 results.");
    expect(parts.filter((p) => p.type === "tool-call").map((p) => p.toolCallId)).toEqual([
      "toolu_fake_1",
      "toolu_fake_2",
    ]);
    expect(parts.find((p) => p.type === "tool-result")).toMatchObject({
      output: { city: "Lima", sky: "clear" },
    });
    expect(parts.find((p) => p.type === "tool-error")).toMatchObject({ toolName: "flaky" });

    const [assistant, results] = fake.requests[1]?.messages.slice(-2) ?? [];
    expect(assistant?.toolCalls).toEqual([
      { id: "toolu_fake_1", name: "weather", input: { city: "Lima" } },
      { id: "toolu_fake_2", name: "flaky", input: { path: "/x" } },
    ]);
    expect(results).toMatchObject({ role: "tool" });
    expect(results?.toolResults).toEqual([
      { id: "toolu_fake_1", output: '{"city":"Lima","sky":"clear"}', isError: false },
      { id: "toolu_fake_2", output: "Error: no such file", isError: true },
    ]);
    expect(fake.requests[1]?.toolNames).toEqual(["weather", "flaky"]);
  });

  it("awaits the onChunk hook before every delta and before the finish events", async () => {
    const seen: string[] = [];
    const stepped = await startAnthropicFake({
      onChunk: ({ kind, index }) => {
        seen.push(`${index}:${kind}`);
      },
      script: [{ text: "a b", toolCalls: [{ name: "weather", input: { city: "X" } }] }],
    });
    const model = createAnthropic({ baseURL: stepped.url, apiKey: "any" })(MODEL);

    const result = streamText({ model, tools: { weather }, prompt: "go" });
    await result.consumeStream();
    await stepped.close();

    // Two text deltas, the tool input in 8-character pieces ({"city":"X"} is 12), then finish.
    expect(seen).toEqual(["0:text", "1:text", "2:tool-input", "3:tool-input", "4:finish"]);
  });

  it("runs a tool round trip with generateText", async () => {
    fake.script([{ toolCalls: [{ name: "weather", input: { city: "Oslo" } }] }, { text: "Clear skies." }]);

    const result = await generateText({
      model: claude(),
      tools: { weather },
      stopWhen: isStepCount(3),
      prompt: "Oslo?",
    });

    expect(result.text).toBe("Clear skies.");
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe("tool-calls");
    expect(result.steps[0]?.rawFinishReason).toBe("tool_use");
  });

  it("answers a wrong key with 401 in Anthropic's error shape, surfaced as APICallError", async () => {
    const error = await generateText({ model: claude("sk-wrong"), prompt: "hi" }).catch((e: unknown) => e);

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false, message: "invalid x-api-key" });
    expect(JSON.parse((error as APICallError).responseBody ?? "")).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
  });

  it("sends 429 rate_limit_error with Retry-After", async () => {
    fake.script([{ error: { status: 429, message: "Number of requests exceeded", retryAfter: 3 } }]);

    const error = await generateText({ model: claude(), prompt: "hi", maxRetries: 0 }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ statusCode: 429, isRetryable: true });
    expect((error as APICallError).responseHeaders?.["retry-after"]).toBe("3");
    expect(JSON.parse((error as APICallError).responseBody ?? "")).toMatchObject({
      error: { type: "rate_limit_error" },
    });
  });

  it("retries a 529 overloaded_error and then succeeds", async () => {
    fake.script([{ error: { status: 529, message: "Overloaded", retryAfter: 0 } }, { text: "Back." }]);

    const result = await generateText({ model: claude(), prompt: "hi", maxRetries: 1 });

    expect(result.text).toBe("Back.");
    expect(fake.requests).toHaveLength(2);
  });

  it("rejects a request without anthropic-version, as the real API does", async () => {
    const response = await fetch(`${fake.url}/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});
