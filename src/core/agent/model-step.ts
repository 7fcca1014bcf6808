// One model call of the agent loop, straight on the provider: stream the text, collect the tool
// calls and the usage, and retry a call the provider refused with a retryable error (429, 5xx).
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  SharedV4ProviderMetadata,
} from "@ai-sdk/provider";
import type { Clock } from "../../ports/clock.ts";
import type { TokenUsage } from "../transcript.ts";

export interface ModelToolCall {
  id: string;
  name: string;
  input: unknown;
  /** What the provider needs back with this call next time (Gemini's thought signature...). */
  providerMetadata?: SharedV4ProviderMetadata;
}

/**
 * One block of the model's reasoning. Its metadata holds what the provider checks when the block is
 * sent back (Anthropic's signature, its redacted thinking): kept so the next call may return it.
 */
export interface ModelReasoning {
  text: string;
  providerMetadata?: SharedV4ProviderMetadata;
}

export interface ModelStepResult {
  text: string;
  calls: ModelToolCall[];
  /** The reasoning blocks, in the order they started. */
  reasoning: ModelReasoning[];
  /** Undefined when the provider reported none (a stream cut short). */
  usage: TokenUsage | undefined;
  finishReason: string;
  /** The error the stream reported, if any; text and calls hold what came before it. */
  error?: unknown;
}

export interface ModelStepOptions {
  model: LanguageModelV4;
  call: LanguageModelV4CallOptions;
  onText: (delta: string) => void;
  onToolCall: (call: ModelToolCall) => void;
  /** Times the waits between retries. */
  clock: Pick<Clock, "now" | "sleep">;
  /** Retries of a refused call (the AI SDK's default is 2). */
  maxRetries?: number;
}

const BASE_DELAY_MS = 2_000;
const MAX_SERVER_DELAY_MS = 60_000;

/** The wait a provider asked for (retry-after-ms, or retry-after in seconds or as a date); failover reads it too. */
export function serverDelayMs(error: unknown, now: number): number | undefined {
  const headers = (error as { responseHeaders?: Record<string, string> }).responseHeaders;
  if (!headers) return undefined;
  const ms = Number(headers["retry-after-ms"]);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers["retry-after"];
  if (after === undefined) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const isRetryable = (error: unknown) => (error as { isRetryable?: unknown })?.isRetryable === true;

/** Tool call arguments arrive as JSON text; unparsable text is passed on for validation to reject. */
function parseInput(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Contract: rejects only when the call itself fails (after retries); stream errors come back in `error`. */
export async function runModelStep(options: ModelStepOptions): Promise<ModelStepResult> {
  const maxRetries = options.maxRetries ?? 2;
  const signal = options.call.abortSignal;
  let stream: ReadableStream<LanguageModelV4StreamPart>;
  for (let attempt = 0; ; attempt++) {
    try {
      ({ stream } = await options.model.doStream(options.call));
      break;
    } catch (error) {
      if (attempt >= maxRetries || !isRetryable(error) || signal?.aborted) throw error;
      const asked = serverDelayMs(error, options.clock.now());
      const backoff = BASE_DELAY_MS * 2 ** attempt;
      const wait = asked !== undefined && asked <= MAX_SERVER_DELAY_MS ? asked : backoff;
      await options.clock.sleep(wait, signal);
    }
  }

  const result: ModelStepResult = {
    text: "",
    calls: [],
    reasoning: [],
    usage: undefined,
    finishReason: "unknown",
  };
  const reasoningById = new Map<string, ModelReasoning>();
  /** A reasoning block's text and metadata, gathered from its start, deltas and end (signatures come last). */
  const reason = (id: string, delta: string, metadata: SharedV4ProviderMetadata | undefined) => {
    let block = reasoningById.get(id);
    if (!block) {
      block = { text: "" };
      reasoningById.set(id, block);
      result.reasoning.push(block);
    }
    block.text += delta;
    if (metadata) block.providerMetadata = mergeMetadata(block.providerMetadata, metadata);
  };
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      switch (part.type) {
        case "text-delta":
          if (part.delta) {
            result.text += part.delta;
            options.onText(part.delta);
          }
          break;
        case "reasoning-start":
        case "reasoning-end":
          reason(part.id, "", part.providerMetadata);
          break;
        case "reasoning-delta":
          reason(part.id, part.delta, part.providerMetadata);
          break;
        case "tool-call": {
          const call: ModelToolCall = {
            id: part.toolCallId,
            name: part.toolName,
            input: parseInput(part.input),
            ...(part.providerMetadata && { providerMetadata: part.providerMetadata }),
          };
          result.calls.push(call);
          options.onToolCall(call);
          break;
        }
        case "finish":
          result.usage = {
            inputTokens: part.usage.inputTokens.total ?? 0,
            outputTokens: part.usage.outputTokens.total ?? 0,
          };
          result.finishReason = part.finishReason.unified;
          break;
        case "error":
          result.error ??= part.error;
          break;
      }
    }
  } catch (error) {
    result.error ??= error;
  } finally {
    reader.releaseLock();
  }
  return result;
}

/** Metadata of one block from several parts: later parts add keys (a signature) to a provider's entry. */
function mergeMetadata(
  into: SharedV4ProviderMetadata | undefined,
  from: SharedV4ProviderMetadata,
): SharedV4ProviderMetadata {
  const merged: SharedV4ProviderMetadata = { ...into };
  for (const [provider, values] of Object.entries(from))
    merged[provider] = { ...merged[provider], ...values };
  return merged;
}
