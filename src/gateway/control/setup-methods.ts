// setup.*: what the web UI's setup card needs to give the assistant a model: the providers and what
// each needs, a local Ollama's models, a connection test that spends no tokens (checkModel asks for
// the model list), and a save through config.patch. A key goes in and never comes back out.
import { z } from "zod";
import type { Config } from "../../config/schema.ts";
import { checkModel } from "../../models/check-model.ts";
import { detectOllama } from "../../models/resolve-model.ts";
import { providerSettings } from "../../models/provider-settings.ts";
import { configMethods } from "./config-methods.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";

/** The providers the card offers (Bedrock needs AWS credentials in the gateway's environment). */
const PROVIDERS = {
  anthropic: {
    label: "Anthropic",
    key: "required",
    configKey: "anthropic",
    envKey: "ANTHROPIC_API_KEY",
    urlVariable: "ANTHROPIC_BASE_URL",
    example: "claude-sonnet-4-5",
  },
  openai: {
    label: "OpenAI",
    key: "required",
    configKey: "openai",
    envKey: "OPENAI_API_KEY",
    urlVariable: "OPENAI_BASE_URL",
    example: "gpt-5-mini",
  },
  ollama: {
    label: "Ollama (on this machine or your network)",
    key: "none",
    configKey: "ollama",
    envKey: "OLLAMA_API_KEY",
    urlVariable: "OLLAMA_HOST",
    example: "llama3.2",
  },
  "openai-compatible": {
    label: "Another OpenAI-compatible server (vLLM, llama.cpp, LM Studio)",
    key: "optional",
    configKey: "openaiCompatible",
    envKey: "OPENAI_COMPATIBLE_API_KEY",
    urlVariable: "OPENAI_COMPATIBLE_BASE_URL",
    example: "qwen3",
  },
} as const;

type SetupProvider = keyof typeof PROVIDERS;

const providerParam = z.enum(Object.keys(PROVIDERS) as [SetupProvider, ...SetupProvider[]], {
  error: `expected one of ${Object.keys(PROVIDERS).join(", ")}`,
});
const baseURLParam = z.url({
  protocol: /^https?$/,
  error: "expected an http(s) URL, e.g. http://127.0.0.1:11434/v1",
});
const apiKeyParam = z
  .string()
  .regex(/^\S{8,500}$/, "expected the key as the provider shows it (8 to 500 characters, no spaces)");
const modelParam = z
  .string()
  .regex(/^[^\s/][^\s]{0,199}$/, 'expected a model name such as "claude-sonnet-4-5" or "llama3.2"');

const connectionParams = z
  .object({
    provider: providerParam,
    model: modelParam.optional(),
    apiKey: apiKeyParam.optional(),
    baseURL: baseURLParam.optional(),
  })
  .strict();

type Connection = z.output<typeof connectionParams>;

const KEY_WITHHELD_DETAIL = "the saved key is sent only to the address it was saved for";
const KEY_WITHHELD = `Not saved: ${KEY_WITHHELD_DETAIL}. Type the key to save it with this address.`;

/**
 * The config and environment a connection would run with: typed values win over saved ones. A saved
 * key never goes to an address typed here: with a new address, only a typed key is sent.
 */
function candidate(params: Connection, config: Config, env: NodeJS.ProcessEnv) {
  const info = PROVIDERS[params.provider];
  const next = structuredClone(config);
  const section = next.providers[info.configKey] as { apiKey?: string; baseURL?: string };
  const nextEnv = { ...env };
  const newAddress =
    params.baseURL !== undefined && params.baseURL !== providerState(params.provider, config, env).baseURL;
  if (params.apiKey || newAddress) {
    delete section.apiKey;
    delete nextEnv[info.envKey];
  }
  if (params.apiKey && info.key !== "none") section.apiKey = params.apiKey;
  if (params.baseURL) {
    section.baseURL = params.baseURL;
    delete nextEnv[info.urlVariable];
  }
  return {
    config: next,
    env: nextEnv,
    newAddress,
    keyWithheld: newAddress && !params.apiKey && info.key === "required",
  };
}

/** Where the card's fields come from now, without the key itself. */
function providerState(id: SetupProvider, config: Config, env: NodeJS.ProcessEnv) {
  const info = PROVIDERS[id];
  const section = config.providers[info.configKey] as { apiKey?: string; baseURL?: string };
  let baseURL: string | undefined;
  try {
    baseURL = providerSettings(id, config, env).baseURL;
  } catch {
    baseURL = section.baseURL; // a missing key is what the card is for
  }
  const keyFrom = env[info.envKey]?.trim() ? "environment" : section.apiKey ? "config" : null;
  return {
    id,
    label: info.label,
    key: info.key,
    keyVariable: info.envKey,
    keyFrom,
    baseURL: baseURL ?? null,
    urlVariable: info.urlVariable,
    urlFromEnvironment: Boolean(env[info.urlVariable]?.trim()),
    example: info.example,
  };
}

export const setupMethods: MethodTable = {
  "setup.status": method(z.object({}).strict(), (_params, { gateway }) => {
    const config = gateway.config();
    const env = gateway.assistant.env;
    return {
      model: config.model ?? null,
      modelFromEnvironment: Boolean(env.AGENT_CLAW_MODEL?.trim()),
      providers: (Object.keys(PROVIDERS) as SetupProvider[]).map((id) => providerState(id, config, env)),
    };
  }),

  "setup.ollamaModels": method(
    z.object({ baseURL: baseURLParam.optional() }).strict(),
    async ({ baseURL }, { gateway }) => {
      const url = baseURL ?? providerState("ollama", gateway.config(), gateway.assistant.env).baseURL!;
      return { baseURL: url, models: await detectOllama(url, 1_500) };
    },
  ),

  "setup.test": method(connectionParams, async (params, { gateway }) => {
    const { config, env, keyWithheld } = candidate(params, gateway.config(), gateway.assistant.env);
    if (keyWithheld) {
      return { ok: false, detail: KEY_WITHHELD_DETAIL, fix: "Type the key to test it against this address." };
    }
    const ref = `${params.provider}/${params.model ?? PROVIDERS[params.provider].example}`;
    const result = await checkModel(ref, config, env);
    if (!result.ok || params.provider !== "ollama" || !params.model) return result;
    // Ollama answers for any name: say so when the model is not pulled yet.
    const models = await detectOllama(providerState("ollama", config, env).baseURL!, 1_500);
    if (models && !models.some((name) => name === params.model || name === `${params.model}:latest`)) {
      return {
        ok: false,
        detail: `Ollama has no model "${params.model}"`,
        fix: `ollama pull ${params.model}`,
      };
    }
    return result;
  }),

  "setup.save": method(
    connectionParams.required({ model: true }),
    async (params, context) => {
      const info = PROVIDERS[params.provider];
      const config = context.gateway.config();
      const env = context.gateway.assistant.env;
      // Saved with a new address, the old key would go there on the next turn: the same rule as setup.test.
      const { newAddress, keyWithheld } = candidate(params, config, env);
      if (keyWithheld) throw new ControlError("invalid_params", KEY_WITHHELD);
      const patch: Record<string, unknown> = { model: `${params.provider}/${params.model}` };
      if (params.apiKey && info.key !== "none") patch[`providers.${info.configKey}.apiKey`] = params.apiKey;
      else if (newAddress && (config.providers[info.configKey] as { apiKey?: string }).apiKey) {
        patch[`providers.${info.configKey}.apiKey`] = null;
      }
      if (params.baseURL) patch[`providers.${info.configKey}.baseURL`] = params.baseURL;
      // The config.patch path: the token rule, validation, the atomic write, the masked answer.
      await configMethods["config.patch"]!.handler({ patch }, context);
      const overridden = [
        env.AGENT_CLAW_MODEL?.trim() && "AGENT_CLAW_MODEL",
        params.apiKey && env[info.envKey]?.trim() && info.envKey,
        params.baseURL && env[info.urlVariable]?.trim() && info.urlVariable,
      ].filter(Boolean);
      return {
        model: context.gateway.config().model ?? null,
        saved: Object.keys(patch),
        ...(overridden.length > 0 && {
          warning: `The gateway's environment sets ${overridden.join(", ")}, which wins over config.json: unset it and restart the gateway for the saved settings to apply.`,
        }),
      };
    },
    { refuseWhileDraining: true },
  ),
};
