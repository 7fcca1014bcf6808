// `onboard`'s model step: which provider and model (a running Ollama's models offered first), the
// provider's base URL and API key where it needs them, and a test of them that spends no tokens.
import { withKey } from "../config/edit.ts";
import { applyEnvOverrides, validateConfig } from "../config/load.ts";
import { checkModel } from "../models/check-model.ts";
import { KEY_VARIABLE } from "../models/explain-error.ts";
import { DEFAULT_OLLAMA_URL, ollamaHostURL, PROVIDERS, type ProviderId } from "../models/model-ref.ts";
import { detectOllama } from "../models/resolve-model.ts";
import type { Asker } from "./line-asker.ts";
import { UsageError } from "./io.ts";

export interface ModelFlags {
  provider?: string;
  model?: string;
  apiKey?: string;
  baseUrl?: string;
  check?: boolean;
}

/** A model to suggest per provider; openai-compatible has none (it is whatever the server runs). */
const SUGGESTED: Partial<Record<ProviderId, string>> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-5-mini",
  bedrock: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
};

/** Where each provider's settings live under `providers` in config.json. */
const CONFIG_KEY: Record<ProviderId, string> = {
  anthropic: "anthropic",
  openai: "openai",
  bedrock: "bedrock",
  "openai-compatible": "openaiCompatible",
  ollama: "ollama",
};

const NEEDS_KEY = new Set<ProviderId>(["anthropic", "openai"]);
const ASKS_URL = new Set<ProviderId>(["openai-compatible"]);

function providerArg(value: string): ProviderId {
  const id = value.trim().toLowerCase() as ProviderId;
  if (!PROVIDERS.includes(id)) {
    throw new UsageError(`"${value}" is not a provider; use one of ${PROVIDERS.join(", ")}.`);
  }
  return id;
}

/**
 * Asks (or takes from flags) provider, model, base URL and key, writes them into `raw`, and tests
 * them. Returns the new raw config and lines to print. A key the provider refuses is not saved.
 */
export async function onboardModel(
  raw: Record<string, unknown>,
  flags: ModelFlags,
  asker: Pick<Asker, "ask" | "askSecret">,
  env: NodeJS.ProcessEnv,
): Promise<{ raw: Record<string, unknown>; ref?: string; lines: string[] }> {
  const { ask, askSecret } = asker;
  const lines: string[] = [];
  const current = typeof raw["model"] === "string" ? raw["model"] : undefined;
  const [flagProvider, flagModel] = flags.model?.includes("/")
    ? [flags.model.slice(0, flags.model.indexOf("/")), flags.model.slice(flags.model.indexOf("/") + 1)]
    : [flags.provider, flags.model];

  const ollamaUrl = ollamaHostURL(env.OLLAMA_HOST) ?? DEFAULT_OLLAMA_URL;
  const ollama = flagProvider && flagModel ? null : await detectOllama(ollamaUrl);
  if (ollama?.length)
    lines.push(`Found Ollama at ${ollamaUrl.replace(/\/v1$/, "")} with ${ollama.join(", ")}.`);

  const fallbackProvider = current?.split("/")[0] ?? (ollama?.length ? "ollama" : "anthropic");
  const providerAnswer = await ask(`Provider (${PROVIDERS.join(", ")})`, flagProvider ?? fallbackProvider);
  const provider = providerArg(providerAnswer ?? fallbackProvider);
  const keptModel = current?.startsWith(`${provider}/`) ? current.slice(provider.length + 1) : undefined;
  const suggested = provider === "ollama" ? ollama?.[0] : SUGGESTED[provider];
  const model = await ask("Model", flagModel ?? keptModel ?? suggested);
  if (!model) {
    lines.push(`No model set: run \`agent-claw onboard --model ${provider}/<model>\` when you know it.`);
    return { raw, lines };
  }
  const ref = `${provider}/${model}`;
  let next = withKey(raw, "model", ref);
  const section = `providers.${CONFIG_KEY[provider]}`;

  const saved = (next["providers"] as Record<string, { apiKey?: string; baseURL?: string }> | undefined)?.[
    CONFIG_KEY[provider]
  ];
  let url = flags.baseUrl;
  if (ASKS_URL.has(provider))
    url = await ask("Base URL of the server", url ?? saved?.baseURL ?? DEFAULT_OLLAMA_URL);
  if (url) next = withKey(next, `${section}.baseURL`, url);
  // A saved key belongs to the address it was saved with: it is not offered for (nor tested against) another.
  const keptKey = saved?.apiKey && (!url || url === saved.baseURL) ? saved.apiKey : undefined;
  if (saved?.apiKey && !keptKey) next = withKey(next, `${section}.apiKey`, undefined);
  let key: string | undefined;
  const keyVariable = KEY_VARIABLE[provider];
  if (!flags.apiKey && env[keyVariable]) {
    lines.push(`Using ${keyVariable} from the environment (it wins over a key in config.json).`);
  } else if (NEEDS_KEY.has(provider) || provider === "openai-compatible") {
    const optional = NEEDS_KEY.has(provider) ? "" : " (empty if the server needs none)";
    // The key is never shown back: the prompt's default says only whether one is kept.
    const answer =
      flags.apiKey ?? (await askSecret(`API key${optional}`, keptKey ? "keep the saved one" : undefined));
    key = answer && answer !== "keep the saved one" ? answer : undefined;
    if (key) next = withKey(next, `${section}.apiKey`, key);
  }
  const config = applyEnvOverrides(validateConfig(next, "The config from your answers"), env);
  if (flags.check === false) return { raw: next, ref, lines };

  const result = await checkModel(ref, config, env);
  if (result.ok) {
    lines.push(`✓ ${ref}: ${result.detail}`);
  } else if (key && /refused the credentials/.test(result.detail)) {
    throw new UsageError(`${result.detail}: the API key was not saved. Check it and run onboard again.`);
  } else {
    lines.push(`✗ ${ref}: ${result.detail}. Saved anyway; \`agent-claw doctor\` checks again.`);
  }
  return { raw: next, ref, lines };
}
