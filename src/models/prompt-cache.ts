// Prompt caching for the providers that cache only where asked (Anthropic, and Bedrock's Claude and
// Nova models): every call marks the tools, the system prompt and the newest message, so the next
// step or turn reads that prefix from the provider's cache (about a tenth of the input price).
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Message,
  SharedV4ProviderOptions,
} from "@ai-sdk/provider";
import { CURRENT_TIME_HEADING } from "../core/prompt/system-prompt.ts";

export type CacheDialect = "anthropic" | "bedrock";

/** The AI SDK's cache markers: anthropic.cacheControl (cache_control) and bedrock.cachePoint. */
const MARKERS: Record<CacheDialect, SharedV4ProviderOptions> = {
  anthropic: { anthropic: { cacheControl: { type: "ephemeral" } } },
  bedrock: { bedrock: { cachePoint: { type: "default" } } },
};

/** Which Bedrock models take cache points; others answer a request holding one with an error. */
export function bedrockCaches(modelId: string): boolean {
  return /anthropic\.claude|amazon\.nova/i.test(modelId);
}

function withMarker(
  options: SharedV4ProviderOptions | undefined,
  marker: SharedV4ProviderOptions,
): SharedV4ProviderOptions {
  const merged: SharedV4ProviderOptions = { ...options };
  for (const [key, value] of Object.entries(marker)) merged[key] = { ...merged[key], ...value };
  return merged;
}

const TIME_SECTION = `\n\n${CURRENT_TIME_HEADING}\n`;

/**
 * The system prompt as two system messages, the marked one first: all but its current-time section,
 * which changes every minute and would otherwise keep the rest from being read from the cache.
 */
function markedSystem(
  message: Extract<LanguageModelV4Message, { role: "system" }>,
  marker: SharedV4ProviderOptions,
): LanguageModelV4Message[] {
  const marked = { ...message, providerOptions: withMarker(message.providerOptions, marker) };
  const at = message.content.lastIndexOf(TIME_SECTION);
  if (at <= 0) return [marked];
  return [
    { ...marked, content: message.content.slice(0, at) },
    { role: "system", content: message.content.slice(at + 2) },
  ];
}

/**
 * The call with cache markers on its last tool (Anthropic; the SDK offers none for Bedrock's tools),
 * its first system message (without the current time, which follows unmarked) and its last other
 * message: three of the four breakpoints Anthropic allows.
 * Contract: the caller's prompt, messages and tools are not changed (copies carry the markers).
 */
export function markCacheable(
  call: LanguageModelV4CallOptions,
  dialect: CacheDialect,
): LanguageModelV4CallOptions {
  const marker = MARKERS[dialect];
  const prompt = [...call.prompt];
  const lastOther = prompt.findLastIndex((m) => m.role !== "system");
  if (lastOther >= 0) {
    const message = prompt[lastOther]!;
    prompt[lastOther] = { ...message, providerOptions: withMarker(message.providerOptions, marker) };
  }
  const firstSystem = prompt.findIndex((m) => m.role === "system");
  const system = prompt[firstSystem];
  if (system?.role === "system") prompt.splice(firstSystem, 1, ...markedSystem(system, marker));
  let tools = call.tools;
  const last = tools?.at(-1);
  // Provider-defined tools (web search...) take no marker; the last function tool carries it.
  if (dialect === "anthropic" && last?.type === "function") {
    tools = [...tools!.slice(0, -1), { ...last, providerOptions: withMarker(last.providerOptions, marker) }];
  }
  return { ...call, prompt, ...(tools && { tools }) };
}

/** The model with every call marked cacheable (see markCacheable). */
export function withPromptCache(model: LanguageModelV4, dialect: CacheDialect): LanguageModelV4 {
  return {
    specificationVersion: "v4",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    doGenerate: (call) => model.doGenerate(markCacheable(call, dialect)),
    doStream: (call) => model.doStream(markCacheable(call, dialect)),
  };
}
