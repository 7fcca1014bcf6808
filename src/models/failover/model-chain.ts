// The model a turn calls: the configured one with every key of its provider, then agent.fallbacks in
// order, behind one failover model; a single candidate is handed back as it is (nothing to fail over to).
import type { Config } from "../../config/schema.ts";
import { ModelSetupError } from "../../core/agent/model-call-error.ts";
import type { Clock } from "../../ports/clock.ts";
import { type ModelCandidate, type ResolvedModel, resolveModelCandidates } from "../resolve-model.ts";
import type { CooldownStore } from "./cooldown-store.ts";
import { createFailoverModel, type FailoverOptions } from "./failover-model.ts";

export interface ModelChainOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  cooldowns: CooldownStore;
  clock: Pick<Clock, "now" | "sleep">;
  log?: FailoverOptions["log"];
}

/** `ref` first, then the fallbacks not equal to it, in order. */
export function chainRefs(ref: string, config: Config): string[] {
  return [ref, ...(config.agent.fallbacks ?? []).filter((fallback) => fallback !== ref)];
}

/**
 * Every candidate of the chain, in the order failover tries them. Throws ModelSetupError as resolveModel
 * does; for a fallback, the message names it (a fallback that cannot be called is a setup mistake too).
 */
export async function resolveChainCandidates(
  ref: string,
  { config, env }: Pick<ModelChainOptions, "config" | "env">,
): Promise<ModelCandidate[]> {
  const refs = chainRefs(ref, config);
  const lists = await Promise.all(
    refs.map((each, i) =>
      resolveModelCandidates(each, config, env).catch((error: unknown) => {
        throw i === 0 ? error : fallbackSetupError(each, error);
      }),
    ),
  );
  return lists.flat();
}

/** A fallback's setup problem, said as the fallback's (a fallback that cannot be called is a setup mistake). */
export function fallbackSetupError(ref: string, error: unknown): ModelSetupError {
  const problem = error instanceof ModelSetupError ? error.problem : (error as Error).message;
  const fix = error instanceof ModelSetupError ? error.fix : "";
  return new ModelSetupError(`agent.fallbacks: ${ref} cannot be called: ${problem}`, fix);
}

/** The model for `ref` with its keys and fallbacks; `ref` stays the configured one (status lines, --json). */
export async function resolveModelChain(ref: string, options: ModelChainOptions): Promise<ResolvedModel> {
  const candidates = await resolveChainCandidates(ref, options);
  if (candidates.length === 1) return { ref, model: candidates[0]!.model };
  const model = createFailoverModel({
    candidates,
    cooldowns: options.cooldowns,
    clock: options.clock,
    ...(options.log && { log: options.log }),
  });
  return { ref, model };
}

/** "anthropic/claude-sonnet-4-5 (2 keys) → openai/gpt-5-mini": the chain as status and doctor show it. */
export function describeChain(candidates: readonly { ref: string }[]): string {
  const keys = new Map<string, number>();
  for (const candidate of candidates) keys.set(candidate.ref, (keys.get(candidate.ref) ?? 0) + 1);
  return [...keys].map(([ref, n]) => (n > 1 ? `${ref} (${n} keys)` : ref)).join(" → ");
}
