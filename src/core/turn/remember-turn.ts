// After a turn: hand the words exchanged to memory, for the turn's person (or group), so a later
// memory_search finds them; internal turns (heartbeat, reminders, cron) are kept but marked.
import type { Memory } from "../../ports/memory.ts";
import { OWNER_TRUST } from "../intake/trust.ts";
import { memoryActor } from "./memory-view.ts";
import type { TurnRequest, TurnResult } from "./run-turn.ts";
import { userMessageText } from "./user-message.ts";

/**
 * Records the finished turn. A retry answered from an earlier attempt (no model step) is skipped:
 * that attempt recorded it. Contract: rejects only when the memory backend does; the caller logs it.
 */
export async function rememberTurn(
  memory: Memory,
  request: TurnRequest,
  result: TurnResult,
  at: number,
): Promise<void> {
  if (result.steps === 0 || request.messages.length === 0) return;
  const trusts = request.trust ?? request.messages.map(() => OWNER_TRUST);
  const internal = request.messages.some((m) => m.internal !== undefined);
  await memory.recordTurn({
    sessionKey: result.sessionKey,
    sessionId: result.sessionId,
    actor: memoryActor(request.messages, trusts, request.channel.chatKind),
    messages: [
      { role: "user", text: userMessageText(request.messages) },
      ...(result.reply.trim() ? [{ role: "assistant" as const, text: result.reply }] : []),
    ],
    at,
    ...(internal && { internal }),
  });
}
