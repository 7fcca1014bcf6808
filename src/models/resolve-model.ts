// Builds an AI SDK LanguageModel from a model reference, loading only the provider it needs.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { Config } from "../config/schema.ts";
import { DEFAULT_OLLAMA_URL, parseModelRef } from "./model-ref.ts";
import { providerSettings } from "./provider-settings.ts";

/** A model ready to call, with the reference it came from (for status lines and --json). */
export interface ResolvedModel {
  ref: string;
  model: LanguageModelV4;
}

/**
 * Resolves `ref` with the provider's standard environment variables; config endpoints apply when
 * the environment does not set one. Throws ModelSetupError naming the variable that is missing or wrong.
 */
export async function resolveModel(
  ref: string,
  config: Config,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedModel> {
  const { provider, model } = parseModelRef(ref);
  const { apiKey, baseURL, region } = providerSettings(provider, config, env);
  switch (provider) {
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      return { ref, model: createAnthropic({ apiKey, baseURL }).languageModel(model) };
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      // Chat completions: the protocol every OpenAI-style proxy speaks.
      return { ref, model: createOpenAI({ apiKey, baseURL }).chat(model) };
    }
    case "bedrock": {
      const [{ createAmazonBedrock }, { fromNodeProviderChain }] = await Promise.all([
        import("@ai-sdk/amazon-bedrock"),
        import("@aws-sdk/credential-providers"),
      ]);
      return {
        ref,
        model: createAmazonBedrock({ region, credentialProvider: fromNodeProviderChain() }).languageModel(
          model,
        ),
      };
    }
    case "openai-compatible":
    case "ollama": {
      // Ollama serves the OpenAI chat protocol under /v1.
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      const compatible = createOpenAICompatible({
        name: provider,
        baseURL: baseURL ?? DEFAULT_OLLAMA_URL,
        apiKey,
        includeUsage: true,
      });
      return { ref, model: compatible.chatModel(model) };
    }
  }
}

/** Asks a local Ollama for its models; null when none answers within timeoutMs. */
export async function detectOllama(baseURL = DEFAULT_OLLAMA_URL, timeoutMs = 400): Promise<string[] | null> {
  const root = baseURL.replace(/\/v1\/?$/, "");
  try {
    const res = await fetch(`${root}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const body = (await res.json()) as { models?: Array<{ name?: string }> };
    return (body.models ?? []).map((m) => m.name ?? "").filter(Boolean);
  } catch {
    return null;
  }
}
