// Which reset rule holds for a session: `session.reset`, overridden field by field per kind of chat
// by `session.resetByType` (OpenClaw's names, so its configs carry over). Pure data; the time math
// lives in freshness.ts.
import type { ChatKind } from "../messages.ts";

/** daily: a fresh conversation at atHour each day; idle: after idleMinutes without a person's message; off: only /new. */
export type ResetMode = "daily" | "idle" | "off";

/** OpenClaw's session types: a direct chat, a group, or a thread inside a group (a Telegram forum topic). */
export type SessionKind = "direct" | "group" | "thread";

/** The rule in force for one session. With mode daily, idleMinutes (when set) also applies: whichever comes first. */
export interface ResetPolicy {
  mode: ResetMode;
  /** Hour of the day (0-23) in the assistant's time zone. */
  atHour: number;
  idleMinutes?: number;
}

/** A rule as written in the config: every field optional, filled from `session.reset`, then the defaults. */
export type ResetRule = Partial<ResetPolicy>;

/** The reset part of the config's `session` object. */
export interface ResetConfig {
  reset?: ResetRule;
  /** Per kind; `dm` is OpenClaw's older name for `direct`. */
  resetByType?: Partial<Record<SessionKind | "dm", ResetRule>>;
}

export const DEFAULT_RESET_AT_HOUR = 4;
/** OpenClaw's idle window when mode is idle and no idleMinutes is given. */
export const DEFAULT_IDLE_MINUTES = 60;

/** The kind of a session, from its key (session-key.ts puts ":group:" and ":topic:" there) or its chat. */
export function sessionKind(sessionKey: string, chatKind?: ChatKind): SessionKind {
  if (sessionKey.includes(":topic:")) return "thread";
  if (chatKind === "group" || sessionKey.includes(":group:")) return "group";
  return "direct";
}

/** The rule for a kind of session: its override's fields, else session.reset's, else daily at 04:00. */
export function resetPolicyFor(config: ResetConfig, kind: SessionKind): ResetPolicy {
  const base = config.reset ?? {};
  const byType = config.resetByType ?? {};
  const override = byType[kind] ?? (kind === "direct" ? byType.dm : undefined) ?? {};
  const mode = override.mode ?? base.mode ?? "daily";
  const atHour = override.atHour ?? base.atHour ?? DEFAULT_RESET_AT_HOUR;
  const idleMinutes =
    override.idleMinutes ?? base.idleMinutes ?? (mode === "idle" ? DEFAULT_IDLE_MINUTES : undefined);
  return { mode, atHour, ...(idleMinutes !== undefined && mode !== "off" && { idleMinutes }) };
}

/** The rule in words, for /status: "daily at 04:00", "after 90 idle minutes", "daily at 04:00 or after 90 idle minutes". */
export function describePolicy(policy: ResetPolicy): string {
  if (policy.mode === "off") return "only when asked (/new)";
  const idle = policy.idleMinutes !== undefined ? `after ${policy.idleMinutes} idle minutes` : "";
  if (policy.mode === "idle") return idle;
  const daily = `daily at ${String(policy.atHour).padStart(2, "0")}:00`;
  return idle ? `${daily} or ${idle}` : daily;
}
