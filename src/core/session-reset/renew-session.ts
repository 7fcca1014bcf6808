// Before a person's turn: a session whose reset time has passed (daily, idle) starts a fresh transcript,
// the old one kept and, first, flushed to memory. Runs in runTurn, so the daemon, the runner Lambda and
// the AgentCore runtime all reset the same way; expiry is judged on the next message, as OpenClaw does.
import type { Claims } from "../../ports/claims.ts";
import type { Clock } from "../../ports/clock.ts";
import type { SessionMeta, SessionStore } from "../../ports/session-store.ts";
import type { Values } from "../../ports/values.ts";
import type { ChatKind, InboundMessage } from "../messages.ts";
import { findPriorAttempt } from "../turn/resume.ts";
import { type SessionActivity, type StaleReason, staleReason } from "./freshness.ts";
import { type ResetPolicy, type SessionKind, sessionKind } from "./reset-policy.ts";

/** What resetting sessions needs from the engine. */
export interface SessionLifecycle {
  /** The rule for a kind of session (config session.reset and session.resetByType). */
  policy(kind: SessionKind): ResetPolicy;
  /** The assistant's IANA time zone, where atHour is read. */
  timeZone(): string;
  claims: Pick<Claims, "claimOnce">;
  values: Pick<Values, "get" | "put">;
  /**
   * Writes the old session's durable facts to memory (a silent turn) before it is reset; runTurn
   * supplies flushSessionMemory when this is absent. Contract: may throw; the reset then still
   * happens (a session is never stuck on a failed flush).
   */
  flush?(old: SessionMeta): Promise<void>;
  /** Contract: must not throw. */
  log?(level: "info" | "warn", message: string): void;
}

/** The session a turn goes on in: the one found, or the fresh one a reset (`renewed`) made. */
export interface SessionForTurn {
  session: SessionMeta;
  renewed?: StaleReason;
}

/** The last person's message per session, kept where idle resets apply. */
interface ActivityMark {
  sessionId: string;
  at: number;
}

export const activityKey = (sessionKey: string) => `session-activity:${sessionKey}`;

/** How stale a person's last-message mark may get before it is written again. */
const MARK_EVERY_MS = 60_000;

/** Long enough for a flush turn; a process that died meanwhile lets the next message try again after it. */
const CLAIM_TTL_MS = 10 * 60_000;

/** When the session was started and a person last wrote in it (heartbeats also touch updatedAt). */
export async function sessionActivity(
  lifecycle: { values: Pick<Values, "get"> },
  session: SessionMeta,
): Promise<SessionActivity> {
  return activityOf(session, await lifecycle.values.get<ActivityMark>(activityKey(session.key)));
}

function activityOf(session: SessionMeta, mark: ActivityMark | undefined): SessionActivity {
  const lastActiveAt = mark?.sessionId === session.sessionId ? mark.at : session.updatedAt;
  return { startedAt: session.createdAt, lastActiveAt };
}

/**
 * Resets the session for this turn's messages when its rule says so, and answers the session the
 * turn goes on in (so runTurn need not open it again); null when it did not look (no person wrote,
 * mode off) or the key was forgotten meanwhile. Only people's messages renew a session (a heartbeat
 * at 04:30 lands in the old one), and a retried turn whose earlier attempt is in the old transcript
 * stays there. Of two racing callers one resets (a claim on the old transcript's id), the other
 * carries on in the session it found.
 */
export async function renewStaleSession(
  lifecycle: SessionLifecycle,
  deps: { sessions: SessionStore; clock: Clock },
  request: { sessionKey: string; chatKind: ChatKind; messages: InboundMessage[]; turnIds?: string[] },
): Promise<SessionForTurn | null> {
  if (request.messages.every((m) => m.internal !== undefined)) return null;
  const policy = lifecycle.policy(sessionKind(request.sessionKey, request.chatKind));
  if (policy.mode === "off") return null;
  // open, not get: a new session's first message is marked too (runTurn's open then finds it).
  const session = await deps.sessions.open(request.sessionKey);
  const now = deps.clock.now();
  const tracksIdle = policy.idleMinutes !== undefined;
  const mark = tracksIdle
    ? await lifecycle.values.get<ActivityMark>(activityKey(request.sessionKey))
    : undefined;
  const activity = activityOf(session, mark);
  const markActive = async (sessionId: string) => {
    // A minute is precision enough for an idle window, and spares a busy chat a durable write per message.
    if (!tracksIdle || (mark?.sessionId === sessionId && now - mark.at < MARK_EVERY_MS)) return;
    await lifecycle.values.put(activityKey(request.sessionKey), {
      sessionId,
      at: now,
    } satisfies ActivityMark);
  };
  const reason = staleReason(activity, policy, now, lifecycle.timeZone());
  if (!reason || (await belongsToOld(deps.sessions, session, request.turnIds))) {
    await markActive(session.sessionId);
    return { session };
  }
  if (
    !(await lifecycle.claims.claimOnce(`session-reset:${session.key}:${session.sessionId}`, CLAIM_TTL_MS))
  ) {
    return { session };
  }
  if (lifecycle.flush && session.turns > 0) {
    try {
      await lifecycle.flush(session);
    } catch (error) {
      lifecycle.log?.(
        "warn",
        `memory flush before resetting ${session.key} failed: ${(error as Error).message}`,
      );
    }
  }
  const fresh = await deps.sessions.reset(session.key);
  if (!fresh) return null;
  await markActive(fresh.sessionId);
  lifecycle.log?.(
    "info",
    `${session.key} starts a fresh conversation (${reason} reset); transcript ${session.sessionId} is kept`,
  );
  return { session: fresh, renewed: reason };
}

/** A retry of a turn an earlier attempt began in this transcript finishes there, answered once. */
async function belongsToOld(
  sessions: SessionStore,
  session: SessionMeta,
  turnIds: string[] | undefined,
): Promise<boolean> {
  if (!turnIds?.length) return false;
  return findPriorAttempt(await sessions.load(session.sessionId), turnIds).kind !== "none";
}
