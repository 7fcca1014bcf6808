// A model that records what each call cost and refuses calls once a daily limit is reached. Wrapped
// around a turn's model (failover included), so every call of the turn goes through it: the loop's
// steps, heartbeats, cron turns and the assistant's own flush and compaction calls.
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from "@ai-sdk/provider";
import type { LimitsConfig } from "../config/usage-schema.ts";
import { USAGE_OPTION_KEY } from "../core/agent/usage-kind.ts";
import { dayWindow } from "../core/usage/day-window.ts";
import { UsageLimitError } from "../core/usage/usage-limit-error.ts";
import type { Clock } from "../ports/clock.ts";
import { USAGE_KINDS, type UsageKind, type UsageLedger, type UsageRecord } from "../ports/usage.ts";
import { estimateCost, findPrice, type ModelPrice } from "./prices.ts";

export interface MeterOptions {
  ledger: UsageLedger;
  clock: Pick<Clock, "now">;
  /** The configured model reference; a failover chain's answering candidate overrides it per call. */
  ref: string;
  sessionKey: string;
  /** The kind of a call that does not say its own (see core/agent/usage-kind.ts). */
  kind: UsageKind;
  prices?: Readonly<Record<string, ModelPrice>>;
  limits?: LimitsConfig;
  /** Days for the limits are counted in this zone. */
  timeZone: string;
}

/** The tokens of a provider's usage report, cache tokens 0 where it reports none. */
function usageTokens(usage: LanguageModelV4Usage) {
  const cacheReadTokens = usage.inputTokens.cacheRead ?? 0;
  const cacheWriteTokens = usage.inputTokens.cacheWrite ?? 0;
  const inputTokens =
    usage.inputTokens.total ?? (usage.inputTokens.noCache ?? 0) + cacheReadTokens + cacheWriteTokens;
  return { inputTokens, outputTokens: usage.outputTokens.total ?? 0, cacheReadTokens, cacheWriteTokens };
}

/** Characters per token for an estimate where the provider reported nothing (src/core/context/tokens.ts's OpenAI figure). */
const CHARS_PER_TOKEN = 4;

/** A usage estimate for a call that ended without its report: the prompt as sent, and the text streamed. */
function estimatedUsage(call: LanguageModelV4CallOptions, streamedChars: number): LanguageModelV4Usage {
  const input = Math.ceil(JSON.stringify(call.prompt).length / CHARS_PER_TOKEN);
  const output = Math.ceil(streamedChars / CHARS_PER_TOKEN);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

/** The ref a failover model says answered (providerMetadata.failover.ref), if any. */
function answeredBy(metadata: SharedV4ProviderMetadata | undefined): string | undefined {
  const ref = metadata?.["failover"]?.["ref"];
  return typeof ref === "string" ? ref : undefined;
}

/** The call's own usage kind, and the call without the label (no provider should see it). */
function takeKind(call: LanguageModelV4CallOptions, fallback: UsageKind) {
  const options = call.providerOptions;
  const label = options?.[USAGE_OPTION_KEY];
  if (!label) return { kind: fallback, call };
  const { [USAGE_OPTION_KEY]: _, ...rest } = options!;
  const asked = label["usageKind"];
  const kind = USAGE_KINDS.includes(asked as UsageKind) ? (asked as UsageKind) : fallback;
  return { kind, call: { ...call, providerOptions: rest } };
}

/** Contract: throws UsageLimitError before calling `model` when a limit is reached; records every reported usage. */
export function meteredModel(model: LanguageModelV4, options: MeterOptions): LanguageModelV4 {
  const { ledger, clock, limits = {} } = options;

  const checkLimits = async () => {
    if (limits.dailyUsd === undefined && limits.dailyTokens === undefined) return;
    const now = clock.now();
    const day = dayWindow(now, options.timeZone);
    const used = await ledger.total(day.start, now + 1);
    const base = { resetsAt: day.end, timeZone: options.timeZone };
    if (limits.dailyUsd !== undefined && used.costUsd >= limits.dailyUsd) {
      throw new UsageLimitError({ ...base, unit: "usd", limit: limits.dailyUsd, used: used.costUsd }, now);
    }
    const tokens = used.inputTokens + used.outputTokens;
    if (limits.dailyTokens !== undefined && tokens >= limits.dailyTokens) {
      throw new UsageLimitError({ ...base, unit: "tokens", limit: limits.dailyTokens, used: tokens }, now);
    }
  };

  const record = async (usage: LanguageModelV4Usage, kind: UsageKind, ref: string) => {
    const tokens = usageTokens(usage);
    const price = findPrice(ref, options.prices);
    const entry: UsageRecord = {
      at: clock.now(),
      sessionKey: options.sessionKey,
      model: ref,
      kind,
      ...tokens,
      ...(price && { costUsd: estimateCost(tokens, price) }),
    };
    await ledger.record(entry);
  };

  return {
    specificationVersion: "v4",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    async doGenerate(callOptions) {
      const { kind, call } = takeKind(callOptions, options.kind);
      await checkLimits();
      const result = await model.doGenerate(call);
      await record(result.usage, kind, answeredBy(result.providerMetadata) ?? options.ref);
      return result;
    },
    async doStream(callOptions) {
      const { kind, call } = takeKind(callOptions, options.kind);
      await checkLimits();
      const result = await model.doStream(call);
      const source = result.stream.getReader();
      let finished = false;
      let streamedChars = 0;
      // Whether the provider began its answer: a call refused before that (an error part first) cost nothing.
      let started = false;
      // A call that ends without a finish part (a stream error, a stop) was still billed by the provider for
      // what it read and wrote: it is recorded as estimated from the prompt's and the streamed text's size.
      const recordUnfinished = async () => {
        if (finished || !started) return;
        finished = true;
        // A failed record must not replace the call's own error (or a stop) with the ledger's.
        await record(estimatedUsage(call, streamedChars), kind, options.ref).catch(() => {});
      };
      // The finish part is held until its usage is durable: nothing is left running after the turn.
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async pull(controller) {
          let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
          try {
            next = await source.read();
          } catch (error) {
            await recordUnfinished();
            controller.error(error);
            return;
          }
          if (next.done) {
            await recordUnfinished();
            controller.close();
            return;
          }
          const part = next.value;
          if (part.type !== "stream-start" && part.type !== "response-metadata" && part.type !== "error") {
            started = true;
          }
          if (part.type === "text-delta" || part.type === "reasoning-delta")
            streamedChars += part.delta.length;
          if (part.type === "finish") {
            finished = true;
            await record(part.usage, kind, answeredBy(part.providerMetadata) ?? options.ref);
          }
          controller.enqueue(part);
        },
        async cancel(reason) {
          await recordUnfinished();
          await source.cancel(reason);
        },
      });
      return { ...result, stream };
    },
  };
}
