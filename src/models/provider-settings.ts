// Where each provider is reached and with which key, from the environment (first) and config.json
// (providers.<name>.apiKey, which the web UI's setup card writes). Further keys for failover: provider-credentials.ts.
// Anything missing or malformed fails here, before a call, naming the exact variable to set.
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { ModelSetupError } from "../core/agent/model-call-error.ts";
import { redact } from "../util/redact.ts";
import { DEFAULT_OLLAMA_URL, ollamaHostURL, type ProviderId } from "./model-ref.ts";
import { providerCredentials } from "./provider-credentials.ts";

export interface ProviderSettings {
  /** Undefined: the provider SDK's default endpoint. */
  baseURL?: string;
  apiKey?: string;
  /** Bedrock only. */
  region?: string;
}

const httpUrl = z.url({ protocol: /^https?$/ });

function checkedUrl(name: string, value: string | undefined, example: string): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (httpUrl.safeParse(text).success) return text;
  throw new ModelSetupError(
    `${name}=${JSON.stringify(redact(text).slice(0, 80))} is not a URL`,
    `Set ${name} to the server's address, e.g. ${example}, or unset it for the default.`,
  );
}

function requiredKey(name: string, value: string | undefined, howTo: string): string {
  if (value?.trim()) return value.trim();
  throw new ModelSetupError(`${name} is not set`, `${howTo}, then: export ${name}=...`);
}

/** The providers behind an account: a key is required; the variables name both. */
const HOSTED = {
  anthropic: {
    key: "ANTHROPIC_API_KEY",
    url: "ANTHROPIC_BASE_URL",
    example: "https://api.anthropic.com/v1",
    howTo: "Create a key at https://console.anthropic.com/settings/keys",
  },
  openai: {
    key: "OPENAI_API_KEY",
    url: "OPENAI_BASE_URL",
    example: "https://api.openai.com/v1",
    howTo: "Create a key at https://platform.openai.com/api-keys",
  },
} as const;

function hostedSettings(
  provider: keyof typeof HOSTED,
  config: Config,
  env: NodeJS.ProcessEnv,
): ProviderSettings {
  const names = HOSTED[provider];
  // The first key failover would try; the others are read where the candidates are built.
  const first = providerCredentials(provider, config, env)[0]?.apiKey;
  return {
    apiKey: requiredKey(names.key, first, names.howTo),
    baseURL: checkedUrl(names.url, env[names.url], names.example) ?? config.providers[provider].baseURL,
  };
}

/** The endpoint, key and region a model of `provider` is called with; throws ModelSetupError naming what to set. */
export function providerSettings(
  provider: ProviderId,
  config: Config,
  env: NodeJS.ProcessEnv,
): ProviderSettings {
  const { providers } = config;
  switch (provider) {
    case "anthropic":
    case "openai":
      return hostedSettings(provider, config, env);
    case "openai-compatible":
      return {
        apiKey: env.OPENAI_COMPATIBLE_API_KEY?.trim() || providers.openaiCompatible.apiKey,
        baseURL:
          checkedUrl(
            "OPENAI_COMPATIBLE_BASE_URL",
            env.OPENAI_COMPATIBLE_BASE_URL,
            "http://127.0.0.1:8000/v1",
          ) ??
          providers.openaiCompatible.baseURL ??
          DEFAULT_OLLAMA_URL,
      };
    case "ollama":
      return {
        apiKey: env.OLLAMA_API_KEY?.trim() || undefined,
        baseURL: ollamaFromEnv(env.OLLAMA_HOST) ?? providers.ollama.baseURL ?? DEFAULT_OLLAMA_URL,
      };
    case "bedrock": {
      const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || providers.bedrock.region;
      if (!region) {
        throw new ModelSetupError(
          "Bedrock needs a region and AWS_REGION is not set",
          "export AWS_REGION=us-east-1 (or set providers.bedrock.region).",
        );
      }
      return { region };
    }
  }
}

function ollamaFromEnv(host: string | undefined): string | undefined {
  try {
    return ollamaHostURL(host);
  } catch {
    throw new ModelSetupError(
      `OLLAMA_HOST=${JSON.stringify(host?.slice(0, 80))} is not an address`,
      "Set it as Ollama does, e.g. 127.0.0.1:11434 or http://gpu-box:11434, or unset it.",
    );
  }
}
