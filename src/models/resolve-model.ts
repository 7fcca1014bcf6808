// Builds an AI SDK LanguageModel from a model reference, loading only the provider it needs.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { Config } from "../config/schema.ts";
import { DEFAULT_OLLAMA_URL, parseModelRef } from "./model-ref.ts";

/** A model ready to call, with the reference it came from (for status lines and --json). */
export interface ResolvedModel {
  ref: string;
  model: LanguageModelV4;
}

/**
 * Resolves `ref` with the provider's standard environment variables; config endpoints apply when
 * the environment does not set one.
 */
export async function resolveModel(
  ref: string,
  config: Config,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedModel> {
  const { provider, model } = parseModelRef(ref);
  switch (provider) {
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      const baseURL = env.ANTHROPIC_BASE_URL || config.providers.anthropic.baseURL;
      return { ref, model: createAnthropic({ apiKey: env.ANTHROPIC_API_KEY, baseURL }).languageModel(model) };
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      const baseURL = env.OPENAI_BASE_URL || config.providers.openai.baseURL;
      // Chat completions: the protocol every OpenAI-style proxy speaks.
      return { ref, model: createOpenAI({ apiKey: env.OPENAI_API_KEY, baseURL }).chat(model) };
    }
    case "bedrock": {
      const [{ createAmazonBedrock }, { fromNodeProviderChain }] = await Promise.all([
        import("@ai-sdk/amazon-bedrock"),
        import("@aws-sdk/credential-providers"),
      ]);
      const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || config.providers.bedrock.region;
      return {
        ref,
        model: createAmazonBedrock({ region, credentialProvider: fromNodeProviderChain() }).languageModel(
          model,
        ),
      };
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      const baseURL =
        env.OPENAI_COMPATIBLE_BASE_URL || config.providers.openaiCompatible.baseURL || DEFAULT_OLLAMA_URL;
      const apiKey = env.OPENAI_COMPATIBLE_API_KEY || undefined;
      const compatible = createOpenAICompatible({
        name: "openai-compatible",
        baseURL,
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
