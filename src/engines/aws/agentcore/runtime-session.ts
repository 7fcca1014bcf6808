// Which AgentCore runtime session (one microVM, its disk) a chat session's turns go to. Every runner
// must name the same one, or a chat's turns would scatter over microVMs that each copy the workspace:
// the id is agreed once through a conditional write and kept in Values until it is rotated.
import { createHash } from "node:crypto";
import type { Clock } from "../../../ports/clock.ts";
import type { Values } from "../../../ports/values.ts";

/**
 * How long one runtime session id is used. AgentCore ends a session 8 hours after it started
 * (maxLifetime 28800 s); a turn starts before this runs out and is capped at 10 minutes, so it ends
 * inside the session's lifetime, and the next turn after it gets a fresh id (a fresh microVM).
 */
export const RUNTIME_SESSION_TTL_MS = (7 * 60 + 30) * 60_000;

/** What Values holds per chat session and release. */
export interface StoredRuntimeSession {
  id: string;
  /** When the id was agreed (Clock milliseconds). */
  startedAt: number;
}

/** The Values key of a chat session's runtime session under `release`. */
export function runtimeSessionKey(release: string, sessionKey: string): string {
  return `agentcore-session:${release}:${sessionKey}`;
}

/**
 * The runtime session id for `sessionKey`: "acs-" and 64 hex digits (AgentCore wants 33 to 256
 * characters). A new release names new ids, so its turns never land on a microVM of the old image.
 * Contract: two runners racing for a key get the same id (the loser of putIfAbsent reads the winner's).
 */
export async function runtimeSessionIdFor(
  values: Values,
  clock: Clock,
  sessionKey: string,
  release: string,
): Promise<string> {
  const key = runtimeSessionKey(release, sessionKey);
  // A value that expires between the failed put and the read is taken afresh on the next round.
  for (let round = 0; round < 3; round++) {
    const held = await values.get<StoredRuntimeSession>(key);
    if (held) return held.id;
    const startedAt = clock.now();
    const fresh: StoredRuntimeSession = { id: sessionIdOf(release, sessionKey, startedAt), startedAt };
    if (await values.putIfAbsent(key, fresh, { ttlMs: RUNTIME_SESSION_TTL_MS })) return fresh.id;
  }
  throw new Error(
    `could not agree on an AgentCore runtime session for ${sessionKey}: the stored one kept changing; the turn is tried again`,
  );
}

function sessionIdOf(release: string, sessionKey: string, startedAt: number): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([release, sessionKey, startedAt]))
    .digest("hex");
  return `acs-${digest}`;
}
