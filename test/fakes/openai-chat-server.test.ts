// Drives the fake OpenAI Chat Completions server with the real AI SDK providers (ai 7). Doubles as
// the reference for calling ai 7: generateText/streamText, tools, step limits, usage and errors.
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  generateText,
  isStepCount,
  RetryError,
  streamText,
  type TextStreamPart,
  tool,
} from "ai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { FakeModelServer } from "./fake-model-server.ts";
import { createGate, EXHAUSTED_TEXT } from "./model-script.ts";
import { startOpenAIChatFake } from "./openai-chat-server.ts";

const KEY = "sk-test-key";
let fake: FakeModelServer;

beforeEach(async () => {
  fake = await startOpenAIChatFake({ apiKey: KEY });
});
afterEach(() => fake.close());

/** `createOpenAI(...)` defaults to the Responses API; `.chat(id)` picks Chat Completions. */
const openaiChat = (apiKey = KEY) => createOpenAI({ baseURL: fake.url, apiKey }).chat("gpt-fake");

/** The Ollama / vLLM route. `includeUsage` asks for the streamed usage chunk. */
const compatible = () =>
  createOpenAICompatible({ name: "ollama", baseURL: fake.url, apiKey: KEY, includeUsage: true })(
    "llama-fake",
  );

/** A tool as ai 7 declares it: zod `inputSchema` plus `execute`. */
const weather = tool({
  description: "Current weather for a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny, 21C in ${city}`,
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("OpenAI chat fake with createOpenAI(...).chat", () => {
  it("answers generateText with scripted text and usage, and records the prompt", async () => {
    fake.script([{ text: "Hello there!", usage: { inputTokens: 12, outputTokens: 3 } }]);

    const result = await generateText({
      model: openaiChat(),
      instructions: "You are terse.", // ai 7 name for `system` (still accepted, deprecated)
      prompt: "Say hi",
    });

    expect(result.text).toBe("Hello there!");
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 3, totalTokens: 15 });
    const [request] = fake.requests;
    expect(request).toMatchObject({ path: "/v1/chat/completions", model: "gpt-fake", stream: false });
    expect(request?.headers["authorization"]).toBe(`Bearer ${KEY}`);
    expect(request?.system).toBe("You are terse.");
    expect(request?.messages).toEqual([{ role: "user", text: "Say hi", toolCalls: [], toolResults: [] }]);
    expect(fake.pending).toBe(0);
  });

  it("streams text in several deltas and reports the usage chunk", async () => {
    fake.script([{ text: "The quick brown fox jumps", usage: { inputTokens: 7, outputTokens: 5 } }]);

    const result = streamText({ model: openaiChat(), prompt: "Tell me about foxes" });
    const parts = await collect(result.stream);

    const deltas = parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : []));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("The quick brown fox jumps");
    const finish = parts.find((p) => p.type === "finish");
    expect(finish).toMatchObject({ finishReason: "stop", totalUsage: { inputTokens: 7, outputTokens: 5 } });
    expect(await result.usage).toMatchObject({ inputTokens: 7, outputTokens: 5 });
    expect(fake.requests[0]?.stream).toBe(true);
    expect(fake.requests[0]?.body["stream_options"]).toEqual({ include_usage: true });
  });

  it("runs a tool round trip with generateText", async () => {
    fake.script([
      { text: "Let me check.", toolCalls: [{ name: "weather", input: { city: "Paris" } }] },
      // A function reply computes the answer from the request: here, from the tool result sent back.
      (request) => ({ text: `Forecast: ${request.messages.at(-1)?.toolResults[0]?.output}` }),
    ]);

    const result = await generateText({
      model: openaiChat(),
      tools: { weather },
      stopWhen: isStepCount(3), // default is isStepCount(1): no second model call after tools run
      prompt: "Weather in Paris?",
    });

    expect(result.text).toBe("Forecast: sunny, 21C in Paris");
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(result.steps[0]?.toolResults).toMatchObject([
      {
        toolCallId: "call_fake_1",
        toolName: "weather",
        input: { city: "Paris" },
        output: "sunny, 21C in Paris",
      },
    ]);
    // All steps' messages; `step.response.messages` holds only that step's messages.
    expect(result.responseMessages.map((m) => m.role)).toEqual(["assistant", "tool", "assistant"]);
    expect(result.usage).toMatchObject({ inputTokens: 20, outputTokens: 10 }); // summed over steps

    const second = fake.requests[1];
    expect(second?.toolNames).toEqual(["weather"]);
    expect(second?.messages.slice(1)).toEqual([
      {
        role: "assistant",
        text: "Let me check.",
        toolCalls: [{ id: "call_fake_1", name: "weather", input: { city: "Paris" } }],
        toolResults: [],
      },
      {
        role: "tool",
        text: "",
        toolCalls: [],
        toolResults: [{ id: "call_fake_1", output: "sunny, 21C in Paris", isError: false }],
      },
    ]);
  });

  it("streams a tool round trip: tool-call, tool-result and tool-error parts", async () => {
    const broken = tool({
      description: "Always fails",
      inputSchema: z.object({}),
      execute: async (): Promise<string> => {
        throw new Error("disk on fire");
      },
    });
    fake.script([
      {
        toolCalls: [
          { name: "weather", input: { city: "Oslo" }, id: "call_a" },
          { name: "broken", input: {}, id: "call_b" },
        ],
      },
      { text: "Done." },
    ]);

    const result = streamText({
      model: openaiChat(),
      tools: { weather, broken },
      stopWhen: isStepCount(3),
      prompt: "go",
    });
    const parts: TextStreamPart<{ weather: typeof weather; broken: typeof broken }>[] = await collect(
      result.stream,
    );

    const kinds = parts.map((p) => p.type).filter((t) => t.startsWith("tool-") || t.includes("finish"));
    expect(kinds).toContain("tool-input-delta"); // arguments arrive in pieces
    expect(parts.find((p) => p.type === "tool-call")).toMatchObject({
      toolCallId: "call_a",
      input: { city: "Oslo" },
    });
    expect(parts.find((p) => p.type === "tool-result")).toMatchObject({ output: "sunny, 21C in Oslo" });
    const toolError = parts.find((p) => p.type === "tool-error");
    expect(toolError).toMatchObject({ toolCallId: "call_b", toolName: "broken" });
    expect(toolError?.type === "tool-error" && (toolError.error as Error).message).toBe("disk on fire");
    expect(kinds.filter((t) => t === "finish-step")).toHaveLength(2);
    expect(kinds.at(-1)).toBe("finish");
    expect(await result.text).toBe("Done.");
    // A thrown tool error goes back to the model as an error result ({"error": ...} on OpenAI's wire).
    expect(fake.requests[1]?.messages.at(-1)?.toolResults).toEqual([
      { id: "call_b", output: '{"error":"Error: disk on fire"}', isError: false },
    ]);
  });

  it("answers a wrong key with 401 in OpenAI's error shape, surfaced as APICallError", async () => {
    const error = await generateText({ model: openaiChat("sk-wrong"), prompt: "hi" }).catch(
      (e: unknown) => e,
    );

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((error as APICallError).message).toMatch(/Incorrect API key/);
    expect(JSON.parse((error as APICallError).responseBody ?? "")).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_api_key" },
    });
    expect(fake.pending).toBe(0); // a rejected request does not use a scripted turn
  });

  it("sends 429 with Retry-After; the SDK retries after it", async () => {
    fake.script([
      { error: { status: 429, message: "Rate limit reached", retryAfter: 0 } },
      { text: "ok now" },
    ]);

    const result = await generateText({ model: openaiChat(), prompt: "hi", maxRetries: 1 });

    expect(result.text).toBe("ok now");
    expect(fake.requests).toHaveLength(2);
  });

  it("surfaces a 429 as APICallError with the retry-after header when retries are off", async () => {
    fake.script([{ error: { status: 429, message: "Rate limit reached", retryAfter: 7 } }]);

    const error = await generateText({ model: openaiChat(), prompt: "hi", maxRetries: 0 }).catch(
      (e: unknown) => e,
    );

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: true, message: "Rate limit reached" });
    expect((error as APICallError).responseHeaders?.["retry-after"]).toBe("7");
  });

  it("wraps exhausted retries in a RetryError whose lastError is the APICallError", async () => {
    fake.script([
      { error: { status: 500, message: "boom", retryAfter: 0 } },
      { error: { status: 500, message: "boom again", retryAfter: 0 } },
    ]);

    const error = await generateText({ model: openaiChat(), prompt: "hi", maxRetries: 1 }).catch(
      (e: unknown) => e,
    );

    expect(RetryError.isInstance(error)).toBe(true);
    expect((error as RetryError).lastError).toMatchObject({ statusCode: 500, message: "boom again" });
  });

  it("delivers stream errors as `error` parts rather than throwing", async () => {
    const result = streamText({ model: openaiChat("sk-wrong"), prompt: "hi", onError: () => {} });
    const parts = await collect(result.stream);

    const failure = parts.find((p) => p.type === "error");
    expect(
      failure?.type === "error" && APICallError.isInstance(failure.error) && failure.error.statusCode,
    ).toBe(401);
  });

  it("parks a stream at a hold until the test releases it", async () => {
    const gate = createGate();
    fake.script([{ text: ["one", " two", " three"], hold: { after: 2, gate } }]);
    const seen: string[] = [];

    const result = streamText({ model: openaiChat(), prompt: "count" });
    const reading = (async () => {
      for await (const delta of result.textStream) seen.push(delta);
    })();
    await gate.reached;
    await vi.waitFor(() => expect(seen).toEqual(["one", " two"]));
    gate.release();
    await reading;

    expect(seen).toEqual(["one", " two", " three"]);
  });

  it("records a client abort mid-stream", async () => {
    const gate = createGate();
    fake.script([{ text: "never finished", hold: { after: 1, gate } }]);
    const abort = new AbortController();

    const result = streamText({ model: openaiChat(), prompt: "hi", abortSignal: abort.signal });
    const reading = collect(result.stream);
    await gate.reached;
    abort.abort();
    const parts = await reading;
    gate.release();

    expect(parts.at(-1)?.type).toBe("abort");
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true));
  });

  it("answers a clear default when the script runs out, or a 500 if configured", async () => {
    expect((await generateText({ model: openaiChat(), prompt: "hi" })).text).toBe(EXHAUSTED_TEXT);

    const strict = await startOpenAIChatFake({ onExhausted: "error" });
    const model = createOpenAI({ baseURL: strict.url, apiKey: "any" }).chat("gpt-fake");
    const error = await generateText({ model, prompt: "hi", maxRetries: 0 }).catch((e: unknown) => e);
    await strict.close();

    expect(error).toMatchObject({ statusCode: 500 });
  });

  it("adds latency only when asked (benchmarks); zero latency is the default", async () => {
    const slow = await startOpenAIChatFake({ latency: { firstChunkMs: 40 }, script: [{ text: "late" }] });
    const model = createOpenAI({ baseURL: slow.url, apiKey: "any" }).chat("gpt-fake");
    const started = performance.now();

    expect((await generateText({ model, prompt: "hi" })).text).toBe("late");
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    await slow.close();
  });

  it("lists models at GET /v1/models", async () => {
    const response = await fetch(`${fake.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });

    expect(await response.json()).toMatchObject({
      object: "list",
      data: [{ id: "gpt-fake", object: "model" }],
    });
  });
});

describe("OpenAI chat fake with createOpenAICompatible (Ollama / vLLM)", () => {
  it("answers generateText and streamText", async () => {
    fake.script([
      { text: "plain answer", usage: { inputTokens: 4, outputTokens: 2 } },
      { text: "streamed answer here" },
    ]);

    const plain = await generateText({ model: compatible(), prompt: "a" });
    const streamed = streamText({ model: compatible(), prompt: "b" });
    const deltas = await collect(streamed.textStream);

    expect(plain.text).toBe("plain answer");
    expect(plain.usage).toMatchObject({ inputTokens: 4, outputTokens: 2 });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("streamed answer here");
    expect(await streamed.usage).toMatchObject({ inputTokens: 10, outputTokens: 5 }); // the defaults
  });

  it("runs a tool round trip", async () => {
    fake.script([{ toolCalls: [{ name: "weather", input: { city: "Rome" } }] }, { text: "Warm." }]);

    const result = streamText({
      model: compatible(),
      tools: { weather },
      stopWhen: isStepCount(3),
      prompt: "Rome?",
    });

    expect(await result.text).toBe("Warm.");
    expect(fake.requests[1]?.messages.at(-1)?.toolResults[0]?.output).toBe("sunny, 21C in Rome");
  });
});
