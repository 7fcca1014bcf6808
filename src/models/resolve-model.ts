// Builds an AI SDK LanguageModel from a model reference, loading only the provider it needs.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { Config } from "../config/schema.ts";
import { DEFAULT_OLLAMA_URL, parseModelRef, type ProviderId } from "./model-ref.ts";
import { bedrockCaches, withPromptCache } from "./prompt-cache.ts";
import { providerCredentials } from "./provider-credentials.ts";
import { type ProviderSettings, providerSettings } from "./provider-settings.ts";

/** A model ready to call, with the reference it came from (for status lines and --json). */
export interface ResolvedModel {
  ref: string;
  model: LanguageModelV4;
}

/** One model with one of its provider's keys: what failover tries in turn. */
export interface ModelCandidate extends ResolvedModel {
  /** "anthropic key #2"; for providers without keys (Bedrock, Ollama): the provider's name. */
  credential: string;
  /** Names the key in cooldown records without revealing it ("anthropic:3f9a…"; the ref for keyless providers). */
  credentialId: string;
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
  return { ref, model: await buildModel(provider, model, providerSettings(provider, config, env)) };
}

/**
 * `ref` once per key of its provider, in failover order (provider-credentials.ts); one candidate for
 * providers that take a single credential. Throws ModelSetupError as resolveModel does.
 */
export async function resolveModelCandidates(
  ref: string,
  config: Config,
  env: NodeJS.ProcessEnv,
): Promise<ModelCandidate[]> {
  const { provider, model } = parseModelRef(ref);
  const settings = providerSettings(provider, config, env);
  if (provider !== "anthropic" && provider !== "openai") {
    // One ambient credential (AWS's chain, a local server): a refusal is about this model (Bedrock's
    // 403 for a model not enabled), so it cools only this model down.
    return [
      { ref, model: await buildModel(provider, model, settings), credential: provider, credentialId: ref },
    ];
  }
  return Promise.all(
    providerCredentials(provider, config, env).map(async (key) => ({
      ref,
      model: await buildModel(provider, model, { ...settings, apiKey: key.apiKey }),
      credential: key.label,
      credentialId: key.id,
    })),
  );
}

async function buildModel(
  provider: ProviderId,
  model: string,
  { apiKey, baseURL, region }: ProviderSettings,
): Promise<LanguageModelV4> {
  switch (provider) {
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      return withPromptCache(createAnthropic({ apiKey, baseURL }).languageModel(model), "anthropic");
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      // Chat completions: the protocol every OpenAI-style proxy speaks.
      return createOpenAI({ apiKey, baseURL }).chat(model);
    }
    case "bedrock": {
      const [{ createAmazonBedrock }, { fromNodeProviderChain }] = await Promise.all([
        import("@ai-sdk/amazon-bedrock"),
        import("@aws-sdk/credential-providers"),
      ]);
      const bedrock = createAmazonBedrock({
        region,
        credentialProvider: fromNodeProviderChain(),
      }).languageModel(model);
      return bedrockCaches(model) ? withPromptCache(bedrock, "bedrock") : bedrock;
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
      return compatible.chatModel(model);
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
