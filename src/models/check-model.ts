// `doctor`'s model check: can the configured provider be reached with these credentials? Costs no tokens.
import type { Config } from "../config/schema.ts";
import { ModelSetupError } from "../core/agent/model-call-error.ts";
import { KEY_VARIABLE } from "./explain-error.ts";
import { parseModelRef, type ProviderId } from "./model-ref.ts";
import { providerSettings } from "./provider-settings.ts";

export interface CheckResult {
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  fix?: string;
}

const DEFAULT_BASE: Partial<Record<ProviderId, string>> = {
  anthropic: "https://api.anthropic.com/v1",
  openai: "https://api.openai.com/v1",
};

async function probe(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Response | Error> {
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return error as Error;
  }
}

function fromResponse(res: Response | Error, url: string, provider: ProviderId): CheckResult {
  if (res instanceof Error) {
    const code = (res.cause as { code?: string } | undefined)?.code ?? res.name;
    const hint = provider === "ollama" ? " For Ollama: `ollama serve`, or set OLLAMA_HOST." : "";
    return {
      ok: false,
      detail: `cannot reach ${url} (${code})`,
      fix: `Check the base URL and that the server is running.${hint}`,
    };
  }
  if (res.status === 401 || res.status === 403) {
    return {
      ok: false,
      detail: `${url} refused the credentials (${res.status})`,
      fix: `Check ${KEY_VARIABLE[provider]}.`,
    };
  }
  if (!res.ok) return { ok: false, detail: `${url} answered ${res.status}`, fix: "Check the base URL." };
  return { ok: true, detail: `${url} answered` };
}

function authHeaders(provider: ProviderId, apiKey: string | undefined): Record<string, string> {
  if (!apiKey) return {};
  if (provider === "anthropic") return { "x-api-key": apiKey, "anthropic-version": "2023-06-01" };
  return { authorization: `Bearer ${apiKey}` };
}

export async function checkModel(
  ref: string,
  config: Config,
  env: NodeJS.ProcessEnv,
  timeoutMs = 3000,
  /** Checks this key instead of the provider's first (failover's further keys). */
  apiKey?: string,
): Promise<CheckResult> {
  const { provider } = parseModelRef(ref);
  let settings: ReturnType<typeof providerSettings>;
  try {
    settings = providerSettings(provider, config, env);
    if (apiKey !== undefined) settings = { ...settings, apiKey };
  } catch (error) {
    if (!(error instanceof ModelSetupError)) throw error;
    return { ok: false, detail: error.problem, fix: error.fix || undefined };
  }
  if (provider === "bedrock") {
    try {
      const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
      await fromNodeProviderChain()();
      return {
        ok: true,
        detail: `AWS credentials found, region ${settings.region} (Bedrock itself not called)`,
      };
    } catch (error) {
      return {
        ok: false,
        detail: `no AWS credentials: ${(error as Error).message}`,
        fix: "Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.",
      };
    }
  }
  const base = (settings.baseURL ?? DEFAULT_BASE[provider]!).replace(/\/$/, "");
  const url = `${base}/models`;
  return fromResponse(await probe(url, authHeaders(provider, settings.apiKey), timeoutMs), url, provider);
}
