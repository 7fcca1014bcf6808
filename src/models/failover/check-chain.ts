// `doctor`'s failover check: the chain (the model's further keys, then each fallback with each of its
// keys) is probed the way the model check probes the first key, so a dead spare is found before it is needed.
import type { Config } from "../../config/schema.ts";
import { ModelSetupError } from "../../core/agent/model-call-error.ts";
import { type CheckResult, checkModel } from "../check-model.ts";
import { parseModelRef } from "../model-ref.ts";
import { MULTI_KEY_PROVIDERS, providerCredentials } from "../provider-credentials.ts";
import { providerSettings } from "../provider-settings.ts";
import { chainRefs, describeChain, fallbackSetupError } from "./model-chain.ts";

/** A check result that also says whether the assistant can answer at all. */
export interface ChainCheck extends CheckResult {
  /** True when the chain cannot be built (a fallback without a key): every turn fails until it is fixed. */
  blocking: boolean;
}

interface Probe {
  ref: string;
  /** "anthropic key #2", or the provider for a model without keys. */
  label: string;
  apiKey?: string;
  /** Where that key is set, for the fix. */
  where: string;
}

/** Where key #n of a provider comes from, as the person would look for it. */
function whereKey(variable: string, configKey: string, n: number): string {
  const fromConfig = n === 1 ? `providers.${configKey}.apiKey` : `providers.${configKey}.apiKeys[${n - 2}]`;
  return `${n === 1 ? variable : `${variable}_${n}`} (or ${fromConfig})`;
}

/** Throws ModelSetupError (naming the variable) when the model cannot be called at all. */
function probesOf(ref: string, config: Config, env: NodeJS.ProcessEnv): Probe[] {
  const { provider } = parseModelRef(ref);
  providerSettings(provider, config, env);
  if (provider !== "anthropic" && provider !== "openai")
    return [{ ref, label: provider, where: "its settings" }];
  const names = MULTI_KEY_PROVIDERS[provider];
  return providerCredentials(provider, config, env).map((key, i) => ({
    ref,
    label: key.label,
    apiKey: key.apiKey,
    where: whereKey(names.variable, names.config, i + 1),
  }));
}

/**
 * Undefined when there is nothing to fail over to (one model, one key). Otherwise ok when every further
 * candidate answers; the first key of the model itself is the model check's. Costs no tokens.
 */
export async function checkChain(
  ref: string,
  config: Config,
  env: NodeJS.ProcessEnv,
  timeoutMs = 3000,
): Promise<ChainCheck | undefined> {
  let probes: Probe[];
  try {
    probes = chainRefs(ref, config).flatMap((each, i) => {
      try {
        return probesOf(each, config, env);
      } catch (error) {
        if (!(error instanceof ModelSetupError) || i === 0) throw error;
        throw fallbackSetupError(each, error);
      }
    });
  } catch (error) {
    if (!(error instanceof ModelSetupError)) throw error;
    return { ok: false, blocking: true, detail: error.problem, fix: error.fix || undefined };
  }
  if (probes.length <= 1) return undefined;
  const chain = describeChain(probes);
  const further = probes.slice(1);
  const results = await Promise.all(
    further.map((probe) => checkModel(probe.ref, config, env, timeoutMs, probe.apiKey)),
  );
  const failed = further.flatMap((probe, i) => (results[i]!.ok ? [] : [{ probe, result: results[i]! }]));
  if (failed.length === 0) {
    return { ok: true, blocking: false, detail: `${chain}: every further key and fallback answered` };
  }
  return {
    ok: false,
    blocking: false,
    detail: `${chain}: ${failed.map(({ probe, result }) => `${probe.ref} with ${probe.label}: ${result.detail}`).join("; ")}`,
    // A refused spare key is named by where it is set; anything else keeps the model check's advice.
    fix: failed
      .map(({ probe, result }) =>
        probe.apiKey !== undefined && /refused the credentials/.test(result.detail)
          ? `Check ${probe.where}.`
          : (result.fix ?? ""),
      )
      .filter((fix, i, all) => fix && all.indexOf(fix) === i)
      .join(" "),
  };
}
