// Failover inside a stream, with in-process models: an error before the first token moves on (Anthropic
// sends "overloaded" as an SSE event after a 200), one after text has streamed reaches the caller.
import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { runModelStep } from "../../core/agent/model-step.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import type { ModelCandidate } from "../resolve-model.ts";
import { createMemoryCooldownStore } from "./cooldown-store.ts";
import { createFailoverModel } from "./failover-model.ts";

const overloaded = { type: "overloaded_error", message: "Overloaded" };
const finish: LanguageModelV4StreamPart = {
  type: "finish",
  usage: {
    inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 2, text: 2, reasoning: undefined },
  },
  finishReason: { unified: "stop", raw: "end_turn" },
  providerMetadata: { anthropic: { stopSequence: null } },
};

/** A model whose every call streams `parts`; `calls` counts them. */
function streaming(parts: LanguageModelV4StreamPart[]) {
  const model = new MockLanguageModelV4({
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    }),
  });
  return model;
}

function candidate(ref: string, model: LanguageModelV4): ModelCandidate {
  return { ref, model, credential: `${ref.split("/")[0]} key #1`, credentialId: ref };
}

async function run(model: LanguageModelV4, signal?: AbortSignal) {
  const parts: LanguageModelV4StreamPart[] = [];
  const { stream } = await model.doStream({
    prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    ...(signal && { abortSignal: signal }),
  });
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("failover within a stream", () => {
  it("moves on when the stream reports an overload before any text, and tags the answer's ref", async () => {
    const clock = createFakeClock();
    const busy = streaming([
      { type: "stream-start", warnings: [] },
      { type: "text-start", id: "0" },
      { type: "error", error: overloaded },
    ]);
    const fine = streaming([
      { type: "stream-start", warnings: [] },
      { type: "text-delta", id: "0", delta: "hello" },
      finish,
    ]);
    const model = createFailoverModel({
      candidates: [candidate("anthropic/a", busy), candidate("openai/b", fine)],
      cooldowns: createMemoryCooldownStore(clock),
      clock,
    });
    const parts = await run(model);
    expect(parts.map((p) => p.type)).toEqual(["stream-start", "text-delta", "finish"]);
    expect(parts.at(-1)).toMatchObject({
      providerMetadata: { anthropic: { stopSequence: null }, failover: { ref: "openai/b" } },
    });
    expect(busy.doStreamCalls).toHaveLength(1);
  });

  it("lets an error after streamed text reach the caller, with the text kept and nothing tried again", async () => {
    const clock = createFakeClock();
    const halfway = streaming([
      { type: "text-delta", id: "0", delta: "I was say" },
      { type: "error", error: overloaded },
    ]);
    const spare = streaming([{ type: "text-delta", id: "0", delta: "spare" }, finish]);
    const model = createFailoverModel({
      candidates: [candidate("anthropic/a", halfway), candidate("openai/b", spare)],
      cooldowns: createMemoryCooldownStore(clock),
      clock,
    });
    const step = await runModelStep({
      model,
      call: { prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
      onText: () => {},
      onToolCall: () => {},
      clock,
    });
    expect(step.text).toBe("I was say");
    expect(step.error).toEqual(overloaded);
    expect(spare.doStreamCalls).toHaveLength(0);
  });

  it("cools nothing and tries nothing else when the call was aborted", async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const aborting = new MockLanguageModelV4({
      doStream: async () => {
        controller.abort();
        throw Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
      },
    });
    const spare = streaming([{ type: "text-delta", id: "0", delta: "spare" }, finish]);
    const cooldowns = createMemoryCooldownStore(clock);
    const model = createFailoverModel({
      candidates: [candidate("anthropic/a", aborting), candidate("openai/b", spare)],
      cooldowns,
      clock,
    });
    await expect(run(model, controller.signal)).rejects.toThrow("aborted");
    expect(spare.doStreamCalls).toHaveLength(0);
    expect(await cooldowns.get("model:anthropic/a@anthropic/a")).toBeUndefined();
  });

  it("still answers when the cooldown store cannot be read or written", async () => {
    const clock = createFakeClock();
    const broken = {
      get: () => Promise.reject(new Error("ProvisionedThroughputExceededException")),
      put: () => Promise.reject(new Error("ProvisionedThroughputExceededException")),
      clear: () => Promise.reject(new Error("ProvisionedThroughputExceededException")),
    };
    const logs: string[] = [];
    const busy = streaming([{ type: "error", error: overloaded }]);
    const fine = streaming([{ type: "text-delta", id: "0", delta: "hello" }, finish]);
    const model = createFailoverModel({
      candidates: [candidate("anthropic/a", busy), candidate("openai/b", fine)],
      cooldowns: broken,
      clock,
      log: (_level, message) => logs.push(message),
    });
    expect((await run(model)).map((p) => p.type)).toEqual(["text-delta", "finish"]);
    expect(logs[0]).toContain("could not record the cooldown of anthropic/a (anthropic key #1)");
  });

  it("gives up on a candidate that has not started its answer after the deadline, and asks the next", async () => {
    const clock = createFakeClock();
    const seen: AbortSignal[] = [];
    // A provider that accepted the request and then says nothing, ignoring the abort as well.
    const silent = new MockLanguageModelV4({
      doStream: async (options) => {
        if (options.abortSignal) seen.push(options.abortSignal);
        return { stream: new ReadableStream<LanguageModelV4StreamPart>({ start() {} }) };
      },
    });
    const fine = streaming([{ type: "text-delta", id: "0", delta: "hello" }, finish]);
    const logs: string[] = [];
    const model = createFailoverModel({
      candidates: [candidate("anthropic/a", silent), candidate("openai/b", fine)],
      cooldowns: createMemoryCooldownStore(clock),
      clock,
      log: (_level, message) => logs.push(message),
    });
    const answer = run(model);
    await parked(clock);
    await clock.advance(89_999);
    expect(fine.doStreamCalls).toHaveLength(0);
    await clock.advance(1);
    expect((await answer).map((p) => p.type)).toEqual(["text-delta", "finish"]);
    expect(seen[0]?.aborted).toBe(true);
    // A slow start is this call's: nothing cools down, so the next call asks the first candidate again.
    expect(logs[0]).toContain("anthropic/a (anthropic key #1): timeout (this call only)");
    const next = run(model);
    await parked(clock);
    expect(seen).toHaveLength(2);
    await clock.advance(90_000);
    await next;
  });

  it("never cuts the last candidate short: nothing comes after it", async () => {
    const clock = createFakeClock();
    let speak: (() => void) | undefined;
    const slow = new MockLanguageModelV4({
      doStream: async () => ({
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            speak = () => {
              controller.enqueue({ type: "text-delta", id: "0", delta: "at last" });
              controller.enqueue(finish);
              controller.close();
            };
          },
        }),
      }),
    });
    const limited = new MockLanguageModelV4({
      doStream: async () => {
        throw Object.assign(new Error("rate limited"), { statusCode: 429 });
      },
    });
    const model = createFailoverModel({
      candidates: [candidate("anthropic/a", limited), candidate("openai/b", slow)],
      cooldowns: createMemoryCooldownStore(clock),
      clock,
    });
    const answer = run(model);
    await settled(() => speak !== undefined);
    await clock.advance(10 * 60_000);
    expect(clock.pending).toBe(0);
    speak!();
    expect((await answer).map((p) => p.type)).toEqual(["text-delta", "finish"]);
  });
});

/** Lets the call under test run until it waits on the clock. */
async function parked(clock: { pending: number }): Promise<void> {
  await settled(() => clock.pending > 0);
}

async function settled(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ready(); i++) await Promise.resolve();
  if (!ready()) throw new Error("the call under test never got there");
}
