// "provider/model" references, the endpoints and keys each provider reads from the environment, and
// the message shown when no model is configured.

export const PROVIDERS = ["anthropic", "openai", "bedrock", "openai-compatible", "ollama"] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export interface ModelRef {
  provider: ProviderId;
  /** Everything after the first "/": model ids may contain slashes and colons. */
  model: string;
}

/** Splits "openai-compatible/qwen2.5:7b"; throws with the valid forms on anything else. */
export function parseModelRef(ref: string): ModelRef {
  const slash = ref.indexOf("/");
  const provider = ref.slice(0, slash) as ProviderId;
  const model = ref.slice(slash + 1);
  if (slash <= 0 || !model || !PROVIDERS.includes(provider)) {
    throw new Error(
      `"${ref}" is not a model reference; use "provider/model" with provider one of ${PROVIDERS.join(", ")}, e.g. "anthropic/claude-sonnet-4-5" or "ollama/llama3.2".`,
    );
  }
  return { provider, model };
}

export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434/v1";

/**
 * Ollama's OpenAI-compatible endpoint from OLLAMA_HOST, read as Ollama's own client reads it
 * ("0.0.0.0", "host:port", "http://host:port"; port 11434 when absent); undefined when unset.
 */
export function ollamaHostURL(host: string | undefined): string | undefined {
  const value = host?.trim();
  if (!value) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const url = new URL(withScheme);
  const explicitPort = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^/:]*):\d+/i.test(withScheme);
  if (!explicitPort && url.protocol === "http:") url.port = "11434";
  // Where the server listens on every interface, a client reaches it on loopback.
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  return `${url.origin}/v1`;
}

/** What to tell a person who has not set a model yet; `ollamaModels` when a local Ollama answered. */
export function noModelMessage(ollamaModels: string[] | null): string {
  const lines = [
    "No model is configured. `agent-claw onboard` sets one up and tests it; or pick one of these and set it in your environment (or with `agent-claw config set model <ref>`):",
    "  Anthropic:  AGENT_CLAW_MODEL=anthropic/claude-sonnet-4-5   ANTHROPIC_API_KEY=sk-ant-...",
    "  OpenAI:     AGENT_CLAW_MODEL=openai/gpt-5-mini             OPENAI_API_KEY=sk-...",
    "  Bedrock:    AGENT_CLAW_MODEL=bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0   AWS_REGION=us-east-1 (and AWS credentials)",
    "  Ollama:     AGENT_CLAW_MODEL=ollama/llama3.2               (OLLAMA_HOST if it is not on 127.0.0.1:11434)",
    `  Other local: AGENT_CLAW_MODEL=openai-compatible/<model>    OPENAI_COMPATIBLE_BASE_URL=http://127.0.0.1:8000/v1 (vLLM, llama.cpp)`,
  ];
  if (ollamaModels && ollamaModels.length > 0) {
    lines.push(
      "",
      `A local Ollama is running with: ${ollamaModels.slice(0, 8).join(", ")}.`,
      `To use it: AGENT_CLAW_MODEL=ollama/${ollamaModels[0]}`,
    );
  } else if (ollamaModels) {
    lines.push(
      "",
      "A local Ollama is running but has no models yet: `ollama pull llama3.2`, then use ollama/llama3.2.",
    );
  }
  return lines.join("\n");
}
