// /compact and `agent-claw sessions compact KEY`: compact a session now, whatever its size, and say
// what happened in words a person understands.
import type { CompactionContext } from "../context/compact-session.ts";
import { compactSession } from "../context/compact-session.ts";
import type { TranscriptEntry } from "../transcript.ts";
import type { TurnResult } from "./run-turn.ts";

/** The reply when a session holds nothing to summarise. */
export const NOTHING_TO_COMPACT = "There is nothing to compact yet: this conversation is still short.";

/** Compacts the session's older messages (after a memory flush) and describes the result. */
export async function compactOnRequest(
  context: CompactionContext,
  entries: TranscriptEntry[],
  sessionKey: string,
): Promise<TurnResult> {
  const outcome = await compactSession(context, entries, "command", {
    keepTokens: context.limits.keepTokens,
  });
  await context.sessions.sync(context.sessionId);
  const usage = { inputTokens: 0, outputTokens: 0 };
  const base = { sessionKey, sessionId: context.sessionId, usage, steps: 0, stopReason: "done" as const };
  if (!outcome.entry) return { ...base, reply: NOTHING_TO_COMPACT };
  const after = entries.length - entries.findIndex((e) => e.id === outcome.entry!.firstKeptId);
  const kept = outcome.entry.firstKeptId && after <= entries.length ? after : 0;
  const lines = [
    `Compacted this conversation: the older messages (about ${outcome.entry.tokensBefore} tokens with the prompt) are now a summary${kept ? `, and the last ${kept} message${kept === 1 ? "" : "s"} are kept as they were` : ""}.`,
  ];
  if (outcome.flushed.length > 0) lines.push(`Saved to memory first: ${outcome.flushed.join(", ")}.`);
  else if (outcome.flushError)
    lines.push("(Saving to memory first did not work this time; the summary keeps the facts.)");
  return { ...base, reply: lines.join(" "), silentUsage: outcome.usage };
}
