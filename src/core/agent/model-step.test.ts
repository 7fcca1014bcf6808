import { APICallError, type LanguageModelV4, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../util/fake-clock.ts";
import { runModelStep } from "./model-step.ts";

const refused = (statusCode: number, headers: Record<string, string> = {}) =>
  new APICallError({
    message: `refused with ${statusCode}`,
    url: "http://127.0.0.1/v1/chat",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === 429 || statusCode >= 500,
  });

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 3, text: 3, reasoning: undefined },
};

/** A provider model whose calls fail with `failures` first, then stream `parts`. */
function model(failures: Error[], parts: LanguageModelV4StreamPart[]) {
  const calls: number[] = [];
  const m = {
    specificationVersion: "v4",
    provider: "test",
    modelId: "scripted",
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("not used")),
    doStream: async () => {
      calls.push(calls.length);
      const failure = failures.shift();
      if (failure) throw failure;
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  } as unknown as LanguageModelV4;
  return { model: m, calls };
}

const answer: LanguageModelV4StreamPart[] = [
  { type: "stream-start", warnings: [] },
  { type: "text-delta", id: "t", delta: "Hel" },
  { type: "text-delta", id: "t", delta: "lo" },
  { type: "tool-call", toolCallId: "c1", toolName: "list", input: '{"path":"notes"}' },
  { type: "tool-call", toolCallId: "c2", toolName: "list", input: "{broken" },
  { type: "finish", usage, finishReason: { unified: "tool-calls", raw: "tool_calls" } },
];

const prompt = { prompt: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }] };

describe("one model step on a provider", () => {
  it("streams the text, parses tool call arguments (keeping unparsable ones as text) and reads the usage", async () => {
    const { model: m } = model([], answer);
    const deltas: string[] = [];
    const result = await runModelStep({
      model: m,
      call: prompt,
      clock: createFakeClock(),
      onText: (d) => deltas.push(d),
      onToolCall: () => {},
    });
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(result).toEqual({
      text: "Hello",
      calls: [
        { id: "c1", name: "list", input: { path: "notes" } },
        { id: "c2", name: "list", input: "{broken" },
      ],
      reasoning: [],
      usage: { inputTokens: 12, outputTokens: 3 },
      finishReason: "tool-calls",
    });
  });

  it("retries a rate-limited call after the wait the provider asked for", async () => {
    const clock = createFakeClock();
    const { model: m, calls } = model([refused(429, { "retry-after": "7" })], answer);
    const step = runModelStep({ model: m, call: prompt, clock, onText: () => {}, onToolCall: () => {} });
    await expect.poll(() => clock.pending).toBe(1);
    await clock.advance(6_999);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    expect((await step).text).toBe("Hello");
    expect(calls).toHaveLength(2);
  });

  it("backs off 2 s then 4 s on server errors, and gives up after two retries", async () => {
    const clock = createFakeClock();
    const { model: m, calls } = model([refused(503), refused(502), refused(500)], answer);
    const step = runModelStep({ model: m, call: prompt, clock, onText: () => {}, onToolCall: () => {} });
    const failed = expect(step).rejects.toThrow("refused with 500");
    await expect.poll(() => clock.pending).toBe(1);
    await clock.advance(2_000);
    await expect.poll(() => calls.length).toBe(2);
    await clock.advance(4_000);
    await failed;
    expect(calls).toHaveLength(3);
  });

  it("does not retry a request the provider rejected as bad", async () => {
    const { model: m, calls } = model([refused(400)], answer);
    await expect(
      runModelStep({
        model: m,
        call: prompt,
        clock: createFakeClock(),
        onText: () => {},
        onToolCall: () => {},
      }),
    ).rejects.toThrow("refused with 400");
    expect(calls).toHaveLength(1);
  });

  it("returns what streamed before an error part, with the error", async () => {
    const broken = new Error("connection reset");
    const { model: m } = model(
      [],
      [
        { type: "text-delta", id: "t", delta: "Partial" },
        { type: "error", error: broken },
      ],
    );
    const result = await runModelStep({
      model: m,
      call: prompt,
      clock: createFakeClock(),
      onText: () => {},
      onToolCall: () => {},
    });
    expect(result).toMatchObject({ text: "Partial", usage: undefined, error: broken });
  });
});
