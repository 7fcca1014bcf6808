// The embedding model memory's hybrid search uses (config memory.embeddings.model), through the
// AI SDK's embedMany; the provider is loaded on the first call, so a daemon that never searches
// never pays for it.
import type { EmbeddingModelV4 } from "@ai-sdk/provider";
import type { Config } from "../config/schema.ts";
import { ModelSetupError } from "../core/agent/model-call-error.ts";
import { DEFAULT_OLLAMA_URL, parseModelRef, type ProviderId } from "./model-ref.ts";
import { type ProviderSettings, providerSettings } from "./provider-settings.ts";

/** Embeds texts with one model: what the local memory index takes (MemoryEmbedder). */
export interface Embedder {
  model: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/**
 * An Embedder for `ref` ("openai/text-embedding-3-small", "ollama/nomic-embed-text"). Provider
 * settings (key, endpoint) are checked now, so a missing key is named at start, not on a search.
 */
export function createEmbedder(ref: string, config: Config, env: NodeJS.ProcessEnv): Embedder {
  const { provider, model } = parseModelRef(ref);
  if (provider === "anthropic") {
    throw new ModelSetupError(
      `memory.embeddings.model "${ref}": Anthropic has no embedding models`,
      'Use e.g. "openai/text-embedding-3-small" or "ollama/nomic-embed-text".',
    );
  }
  const settings = providerSettings(provider, config, env);
  let loaded: Promise<EmbeddingModelV4> | undefined;
  return {
    model: ref,
    async embed(texts) {
      loaded ??= embeddingModel(provider, model, settings);
      loaded.catch(() => (loaded = undefined));
      const { embedMany } = await import("ai");
      // No retries with backoff: a search falls back to keywords at once rather than wait seconds, and
      // `memory index` says what failed (the next search or index run embeds what is still missing).
      const { embeddings } = await embedMany({ model: await loaded, values: texts, maxRetries: 0 });
      return embeddings.map((vector) => Float32Array.from(vector));
    },
  };
}

async function embeddingModel(
  provider: Exclude<ProviderId, "anthropic">,
  model: string,
  { apiKey, baseURL, region }: ProviderSettings,
): Promise<EmbeddingModelV4> {
  switch (provider) {
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      return createOpenAI({ apiKey, baseURL }).embeddingModel(model);
    }
    case "bedrock": {
      const [{ createAmazonBedrock }, { fromNodeProviderChain }] = await Promise.all([
        import("@ai-sdk/amazon-bedrock"),
        import("@aws-sdk/credential-providers"),
      ]);
      return createAmazonBedrock({ region, credentialProvider: fromNodeProviderChain() }).embeddingModel(
        model,
      );
    }
    case "openai-compatible":
    case "ollama": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        name: provider,
        baseURL: baseURL ?? DEFAULT_OLLAMA_URL,
        apiKey,
      }).embeddingModel(model);
    }
  }
}
