// Which failures move failover on, what cools down (the key, or the model with that key), and for how
// long. Pure: the failover model asks; the numbers follow OpenClaw's (1 min, 5 min, 25 min, 1 h cap).
import type { ModelErrorKind } from "../../core/agent/model-error-kind.ts";

/**
 * The kinds that say "this key or this model, not this request": another candidate may well answer.
 * Never bad_request or context_overflow: those fail everywhere or belong to one session, and a broken
 * session must not cool keys down for everyone.
 */
export type RotatingKind = "auth" | "billing" | "rate_limit" | "overloaded" | "timeout";

const ROTATING: ReadonlySet<ModelErrorKind> = new Set<RotatingKind>([
  "auth",
  "billing",
  "rate_limit",
  "overloaded",
  "timeout",
]);

export function isRotatingKind(kind: ModelErrorKind): kind is RotatingKind {
  return ROTATING.has(kind);
}

/**
 * What a failure puts into cooldown. "credential": the key is refused or out of credit, for every model.
 * "candidate": this model with this key (rate limits count per model and key; an overloaded or unreachable
 * model says nothing about the key).
 */
export function cooldownScope(kind: RotatingKind): "credential" | "candidate" {
  return kind === "auth" || kind === "billing" ? "credential" : "candidate";
}

/**
 * Whether the model's other keys are worth trying in the same call: not when the model itself is
 * overloaded or unreachable (another key reaches the same busy servers).
 */
export function triesOtherKeys(kind: RotatingKind): boolean {
  return kind !== "overloaded" && kind !== "timeout";
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Longest wait taken from a provider's Retry-After. */
const MAX_ASKED_MS = HOUR;

/**
 * How long the subject is skipped after its `strikes`-th failure in a row (1 for the first). A provider's
 * Retry-After wins for rate limits and overload (at least 1 s, at most an hour). Refused or unpaid keys
 * wait longer (1 h doubling to 24 h): they rarely mend themselves, and a replaced key has a new hash.
 */
export function cooldownMs(kind: RotatingKind, strikes: number, askedMs?: number): number {
  const n = Math.max(1, strikes);
  if (kind === "auth" || kind === "billing") return Math.min(HOUR * 2 ** (n - 1), 24 * HOUR);
  if (askedMs !== undefined && (kind === "rate_limit" || kind === "overloaded")) {
    return Math.min(Math.max(askedMs, 1000), MAX_ASKED_MS);
  }
  return Math.min(MINUTE * 5 ** (n - 1), HOUR);
}

/** How long a record is kept after its cooldown ends: strikes keep counting while failures keep coming. */
export const STRIKES_KEPT_MS = 6 * HOUR;
