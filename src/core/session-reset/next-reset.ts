// "When does this conversation start over?" in words, for /status in the chats and the terminal.
import type { SessionMeta } from "../../ports/session-store.ts";
import type { Values } from "../../ports/values.ts";
import type { ChatKind } from "../messages.ts";
import { nextResetAt } from "./freshness.ts";
import { sessionActivity } from "./renew-session.ts";
import { describePolicy, type ResetConfig, resetPolicyFor, sessionKind } from "./reset-policy.ts";

/** "Tue 8 Dec, 04:00" in the zone. */
function when(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("day")} ${part("month")}, ${part("hour")}:${part("minute")}`;
}

/**
 * One line: the session's reset rule and when it next applies, e.g. "Fresh start: Tue 8 Dec, 04:00
 * (daily at 04:00, Europe/Berlin)"; "with your next message" once it is due.
 */
export async function nextResetLine(
  deps: { config: ResetConfig; timeZone: string; values: Pick<Values, "get">; now: number },
  sessionKey: string,
  session: SessionMeta | null,
  chatKind?: ChatKind,
): Promise<string> {
  const policy = resetPolicyFor(deps.config, sessionKind(sessionKey, chatKind));
  const rule = `${describePolicy(policy)}${policy.mode === "off" ? "" : `, ${deps.timeZone}`}`;
  if (policy.mode === "off") return `Fresh start: ${rule}`;
  // A session not opened yet starts when its first message comes; its rule is what matters.
  if (!session) return `Fresh start: ${rule}`;
  const activity =
    policy.idleMinutes !== undefined
      ? await sessionActivity(deps, session)
      : { startedAt: session.createdAt, lastActiveAt: session.updatedAt };
  const at = nextResetAt(activity, policy, deps.now, deps.timeZone);
  if (at === null) return `Fresh start: ${rule}`;
  const next = at <= deps.now ? "with your next message" : when(at, deps.timeZone);
  return `Fresh start: ${next} (${rule})`;
}
