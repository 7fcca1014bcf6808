// doctor's check of the daily spending limit: limits.dailyUsd counts each call's estimated cost, and a model
// with no known price (a local or new one) costs $0 there, so a chain with one could spend past the limit.
import type { Config } from "../../config/schema.ts";
import { findPrice } from "../../models/prices.ts";

export interface LimitsCheck {
  name: "limits";
  status: "ok" | "warn";
  detail: string;
  fix?: string;
}

/** Undefined when no dollar limit is set (nothing to check). */
export function limitsCheck(config: Config): LimitsCheck | undefined {
  const limit = config.limits.dailyUsd;
  if (limit === undefined) return undefined;
  const models = [config.model, ...(config.agent.fallbacks ?? []), config.heartbeat.model].filter(
    (ref): ref is string => ref !== undefined,
  );
  const unpriced = [...new Set(models)].filter((ref) => !findPrice(ref, config.models.prices));
  if (unpriced.length === 0) return { name: "limits", status: "ok", detail: `daily limit $${limit}` };
  return {
    name: "limits",
    status: "warn",
    detail: `daily limit $${limit}, but no price is known for ${unpriced.join(", ")}: their calls count $0 toward it`,
    fix: `Add their prices to models.prices (dollars per million tokens), e.g. {"models": {"prices": {"${unpriced[0]}": {"input": 1, "output": 4}}}}, or set limits.dailyTokens as well.`,
  };
}
