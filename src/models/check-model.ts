// `doctor`'s model check: can the configured provider be reached with these credentials? Costs no tokens.
import type { Config } from "../config/schema.ts";
import { DEFAULT_OLLAMA_URL, parseModelRef } from "./model-ref.ts";

export interface CheckResult {
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  fix?: string;
}

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

function fromResponse(res: Response | Error, url: string, keyVariable: string | undefined): CheckResult {
  if (res instanceof Error) {
    const code = (res.cause as { code?: string } | undefined)?.code ?? res.name;
    return {
      ok: false,
      detail: `cannot reach ${url} (${code})`,
      fix: "Check the base URL and that the server is running.",
    };
  }
  if (res.status === 401 || res.status === 403) {
    return {
      ok: false,
      detail: `${url} refused the credentials (${res.status})`,
      fix: keyVariable ? `Check ${keyVariable}.` : undefined,
    };
  }
  if (!res.ok) return { ok: false, detail: `${url} answered ${res.status}`, fix: "Check the base URL." };
  return { ok: true, detail: `${url} answered` };
}

export async function checkModel(
  ref: string,
  config: Config,
  env: NodeJS.ProcessEnv,
  timeoutMs = 3000,
): Promise<CheckResult> {
  const { provider } = parseModelRef(ref);
  switch (provider) {
    case "anthropic": {
      const key = env.ANTHROPIC_API_KEY;
      if (!key)
        return {
          ok: false,
          detail: "ANTHROPIC_API_KEY is not set",
          fix: "export ANTHROPIC_API_KEY=sk-ant-...",
        };
      const base = (
        env.ANTHROPIC_BASE_URL ||
        config.providers.anthropic.baseURL ||
        "https://api.anthropic.com/v1"
      ).replace(/\/$/, "");
      const url = `${base}/models`;
      return fromResponse(
        await probe(url, { "x-api-key": key, "anthropic-version": "2023-06-01" }, timeoutMs),
        url,
        "ANTHROPIC_API_KEY",
      );
    }
    case "openai": {
      const key = env.OPENAI_API_KEY;
      if (!key)
        return { ok: false, detail: "OPENAI_API_KEY is not set", fix: "export OPENAI_API_KEY=sk-..." };
      const base = (
        env.OPENAI_BASE_URL ||
        config.providers.openai.baseURL ||
        "https://api.openai.com/v1"
      ).replace(/\/$/, "");
      const url = `${base}/models`;
      return fromResponse(
        await probe(url, { authorization: `Bearer ${key}` }, timeoutMs),
        url,
        "OPENAI_API_KEY",
      );
    }
    case "openai-compatible": {
      const base = (
        env.OPENAI_COMPATIBLE_BASE_URL ||
        config.providers.openaiCompatible.baseURL ||
        DEFAULT_OLLAMA_URL
      ).replace(/\/$/, "");
      const key = env.OPENAI_COMPATIBLE_API_KEY;
      const url = `${base}/models`;
      return fromResponse(
        await probe(url, key ? { authorization: `Bearer ${key}` } : {}, timeoutMs),
        url,
        "OPENAI_COMPATIBLE_API_KEY",
      );
    }
    case "bedrock": {
      const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || config.providers.bedrock.region;
      if (!region)
        return {
          ok: false,
          detail: "no AWS region",
          fix: "export AWS_REGION=us-east-1 (or set providers.bedrock.region)",
        };
      try {
        const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
        await fromNodeProviderChain()();
        return { ok: true, detail: `AWS credentials found, region ${region} (Bedrock itself not called)` };
      } catch (error) {
        return {
          ok: false,
          detail: `no AWS credentials: ${(error as Error).message}`,
          fix: "Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.",
        };
      }
    }
  }
}
