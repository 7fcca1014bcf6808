// The usage meter: what a call reported is recorded with its cost, the assistant's own calls carry
// their label (and the provider never sees it), and a reached daily limit refuses before any call.
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { afterEach, describe, expect, it } from "vitest";
import { openStateDb } from "../adapters/sqlite/db.ts";
import { createSqliteUsage } from "../adapters/sqlite/usage.ts";
import { runModelStep } from "../core/agent/model-step.ts";
import { usageKindOption } from "../core/agent/usage-kind.ts";
import { UsageLimitError } from "../core/usage/usage-limit-error.ts";
import { classifyModelError } from "../core/agent/model-error-kind.ts";
import { createFakeClock } from "../util/fake-clock.ts";
import { meteredModel } from "./metered-model.ts";

const db = openStateDb(":memory:");
afterEach(() => {
  db.exec("DELETE FROM usage_calls");
});

function streamingModel(metadata?: Record<string, Record<string, string>>) {
  const calls: LanguageModelV4CallOptions[] = [];
  const parts: LanguageModelV4StreamPart[] = [
    { type: "text-start", id: "t" },
    { type: "text-delta", id: "t", delta: "hi" },
    { type: "text-end", id: "t" },
    {
      type: "finish",
      finishReason: { unified: "stop", raw: "end_turn" },
      usage: {
        inputTokens: { total: 10_000, noCache: 1_000, cacheRead: 8_000, cacheWrite: 1_000 },
        outputTokens: { total: 500, text: 500, reasoning: undefined },
      },
      ...(metadata && { providerMetadata: metadata }),
    },
  ];
  const model = new MockLanguageModelV4({
    doStream: async (options) => {
      calls.push(options);
      return { stream: convertArrayToReadableStream(parts) };
    },
  });
  return { model, calls };
}

function setup(limits = {}) {
  const clock = createFakeClock(Date.UTC(2026, 11, 7, 12, 0));
  const ledger = createSqliteUsage({ db });
  const meter = (model: MockLanguageModelV4) =>
    meteredModel(model, {
      ledger,
      clock,
      ref: "anthropic/claude-sonnet-4-5",
      sessionKey: "agent:main:main",
      kind: "turn",
      limits,
      timeZone: "Europe/Berlin",
    });
  const step = (model: ReturnType<typeof meter>, call: Partial<LanguageModelV4CallOptions> = {}) =>
    runModelStep({ model, call: { prompt: [], ...call }, clock, onText: () => {}, onToolCall: () => {} });
  return { clock, ledger, meter, step };
}

describe("meteredModel", () => {
  it("records a streamed call's tokens, cache tokens and cost before the finish reaches the loop", async () => {
    const { ledger, meter, step, clock } = setup();
    const { model } = streamingModel();
    const result = await step(meter(model));
    expect(result.text).toBe("hi");
    const [record] = await ledger.list(0, clock.now() + 1);
    expect(record).toMatchObject({
      at: clock.now(),
      sessionKey: "agent:main:main",
      model: "anthropic/claude-sonnet-4-5",
      kind: "turn",
      inputTokens: 10_000,
      outputTokens: 500,
      cacheReadTokens: 8_000,
      cacheWriteTokens: 1_000,
    });
    // Sonnet: 1000 x $3 + 8000 x $0.30 + 1000 x $3.75 + 500 x $15, per million.
    expect(record!.costUsd).toBeCloseTo((3_000 + 2_400 + 3_750 + 7_500) / 1e6, 10);
  });

  it("records a call that stops in the middle of its answer, estimated from the prompt and the text streamed", async () => {
    const { ledger, meter, clock } = setup();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        // The parts first, then the failure (an error in start() would discard the queued parts).
        stream: (() => {
          let pulls = 0;
          return new ReadableStream<LanguageModelV4StreamPart>({
            pull(controller) {
              if (++pulls === 1) {
                controller.enqueue({ type: "text-start", id: "t" });
                controller.enqueue({ type: "text-delta", id: "t", delta: "x".repeat(400) });
              } else controller.error(new Error("connection reset"));
            },
          });
        })(),
      }),
    });
    const prompt: LanguageModelV4CallOptions["prompt"] = [
      { role: "user", content: [{ type: "text", text: "y".repeat(4_000) }] },
    ];
    const { stream } = await meter(model).doStream({ prompt });
    const reader = stream.getReader();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow("connection reset");
    const [record] = await ledger.list(0, clock.now() + 1);
    expect(record).toMatchObject({ model: "anthropic/claude-sonnet-4-5", outputTokens: 100 });
    expect(record!.inputTokens).toBeGreaterThanOrEqual(1_000);
    expect(record!.costUsd).toBeGreaterThan(0);
  });

  it("records nothing for a call refused before its answer began", async () => {
    const { ledger, meter, clock } = setup();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([
          { type: "error", error: new Error("overloaded") },
        ]),
      }),
    });
    const { stream } = await meter(model).doStream({ prompt: [] });
    const reader = stream.getReader();
    while (!(await reader.read()).done);
    expect(await ledger.list(0, clock.now() + 1)).toEqual([]);
  });

  it("labels the assistant's own calls and strips the label before the provider sees the call", async () => {
    const { ledger, meter, step, clock } = setup();
    const { model, calls } = streamingModel();
    await step(meter(model), {
      providerOptions: { ...usageKindOption("compaction"), anthropic: { sendReasoning: true } },
    });
    expect(calls[0]!.providerOptions).toEqual({ anthropic: { sendReasoning: true } });
    expect((await ledger.list(0, clock.now() + 1))[0]!.kind).toBe("compaction");
  });

  it("records the ref a failover chain says answered, priced as that model", async () => {
    const { ledger, meter, step, clock } = setup();
    const { model } = streamingModel({ failover: { ref: "openai/gpt-5-mini" } });
    await step(meter(model));
    const [record] = await ledger.list(0, clock.now() + 1);
    expect(record!.model).toBe("openai/gpt-5-mini");
    expect(record!.costUsd).toBeCloseTo((1_000 * 0.25 + 8_000 * 0.025 + 1_000 * 0.25 + 500 * 2) / 1e6, 10);
  });

  it("refuses a call once today's estimated cost reaches dailyUsd, without calling the provider", async () => {
    const { ledger, meter, step, clock } = setup({ dailyUsd: 1 });
    await ledger.record({
      at: clock.now() - 60_000,
      sessionKey: "other",
      model: "anthropic/claude-opus-4-1",
      kind: "heartbeat",
      inputTokens: 10,
      outputTokens: 10,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 1.2,
    });
    const { model, calls } = streamingModel();
    const refusal = await step(meter(model)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UsageLimitError);
    expect(classifyModelError(refusal)).toBe("usage_limit");
    // 12:00 UTC is 13:00 in Berlin: 11 hours to midnight.
    expect((refusal as Error).message).toBe(
      "The daily limit of $1.00 is reached ($1.20 used today); it resets at midnight Europe/Berlin, in 11 h 0 min.",
    );
    expect(calls).toHaveLength(0);
  });

  it("counts the day in the assistant's time zone: yesterday's tokens do not count today", async () => {
    const { ledger, meter, step, clock } = setup({ dailyTokens: 20_000 });
    // 22:30 UTC yesterday is 23:30 in Berlin: yesterday there.
    const base = {
      sessionKey: "s",
      model: "m",
      kind: "turn" as const,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    };
    await ledger.record({ ...base, at: Date.UTC(2026, 11, 6, 22, 30), inputTokens: 50_000, outputTokens: 0 });
    const { model, calls } = streamingModel();
    await step(meter(model));
    await step(meter(model));
    // Two calls of 10,500 tokens: the third is refused.
    const refusal = await step(meter(model)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UsageLimitError);
    expect((refusal as UsageLimitError).limit).toMatchObject({ unit: "tokens", limit: 20_000, used: 21_000 });
    expect(calls).toHaveLength(2);
    await clock.advance(11 * 3_600_000);
    await step(meter(model));
    expect(calls).toHaveLength(3);
  });
});
