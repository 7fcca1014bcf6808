// Token arithmetic for the context guard: how big a model's window is, and a cheap estimate of how
// much of it a prompt takes (characters per token, per provider), corrected by what the provider
// reported for the last call when that is larger.
import type { ModelMessage } from "ai";

/** Tokens of a model's context window, by model id prefix (longest match wins), per provider family. */
const WINDOWS: ReadonlyArray<readonly [RegExp, number]> = [
  [/claude-(opus|sonnet|haiku)-4|claude-3-7|claude-3-5|claude-3/, 200_000],
  [/gpt-4\.1/, 1_047_576],
  [/gpt-5/, 400_000],
  [/\bo[134](-mini|-pro)?\b/, 200_000],
  [/gpt-4o|gpt-4-turbo/, 128_000],
  [/gpt-4\b/, 8_192],
  [/gpt-3\.5/, 16_385],
  [/nova-(pro|lite|premier)/, 300_000],
  [/nova-micro/, 128_000],
  [/llama-?3\.[1-3]|llama3\.[1-3]/, 128_000],
  [/qwen2\.5|qwen3/, 32_768],
  [/mistral-large|mistral-small/, 128_000],
];

/** When nothing is known of a model (a local one): small enough for most, the config says more. */
export const UNKNOWN_MODEL_WINDOW = 32_000;

/**
 * The context window of a "provider/model" ref: the config's `agent.contextWindow` when set, else
 * the table above, else UNKNOWN_MODEL_WINDOW.
 */
export function contextWindowOf(modelRef: string, override?: number): number {
  if (override !== undefined) return override;
  const id = modelRef.toLowerCase();
  for (const [pattern, tokens] of WINDOWS) if (pattern.test(id)) return tokens;
  return UNKNOWN_MODEL_WINDOW;
}

/**
 * The window a turn can count on when any of these models may answer it (failover's chain): the smallest,
 * or a fallback with a smaller window would overflow on every turn the primary's window allowed.
 */
export function chainContextWindow(modelRefs: readonly string[]): number {
  return Math.min(...modelRefs.map((ref) => contextWindowOf(ref)));
}

/**
 * Characters per token: English prose runs about 4 for OpenAI's tokenizers, Anthropic's count about
 * 12 % more tokens for the same text, and local models' tokenizers vary: they get the cautious 3.5.
 */
export function charsPerTokenOf(modelRef: string): number {
  const id = modelRef.toLowerCase();
  if (id.startsWith("openai/")) return 4;
  return 3.5;
}

/** What one image costs, roughly (a 1-megapixel picture on Claude or GPT-4o). */
const IMAGE_TOKENS = 1_600;
/** Role markers and separators each message adds. */
const MESSAGE_OVERHEAD = 4;

export const textTokens = (chars: number, charsPerToken: number) => Math.ceil(chars / charsPerToken);

/** The characters of a message as a provider would see them (text, tool inputs as JSON, tool outputs). */
function messageChars(message: ModelMessage): { chars: number; images: number } {
  if (typeof message.content === "string") return { chars: message.content.length, images: 0 };
  let chars = 0;
  let images = 0;
  for (const part of message.content) {
    switch (part.type) {
      case "text":
      case "reasoning":
        chars += part.text.length;
        break;
      case "tool-call":
        chars += part.toolName.length + JSON.stringify(part.input ?? {}).length;
        break;
      case "tool-result": {
        const value = (part.output as { value?: unknown }).value;
        chars +=
          part.toolName.length +
          (typeof value === "string" ? value.length : JSON.stringify(value ?? "").length);
        break;
      }
      case "image":
      case "file":
        images++;
        break;
      default:
        chars += JSON.stringify(part).length;
    }
  }
  return { chars, images };
}

/** Estimated tokens of one message. */
export function messageTokens(message: ModelMessage, charsPerToken: number): number {
  const { chars, images } = messageChars(message);
  return textTokens(chars, charsPerToken) + images * IMAGE_TOKENS + MESSAGE_OVERHEAD;
}

/** Estimated tokens of messages. */
export function messagesTokens(messages: readonly ModelMessage[], charsPerToken: number): number {
  let total = 0;
  for (const message of messages) total += messageTokens(message, charsPerToken);
  return total;
}

/** A model's window and how its tokens are estimated. */
export interface TokenBudget {
  /** Tokens of the context window. */
  window: number;
  charsPerToken: number;
}

/** The budget of a model ref, with the config's override of its window. */
export function tokenBudgetOf(modelRef: string, windowOverride?: number): TokenBudget {
  return { window: contextWindowOf(modelRef, windowOverride), charsPerToken: charsPerTokenOf(modelRef) };
}
