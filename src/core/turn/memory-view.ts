// Memory as one turn's tools see it: searches are for the turn's audience (the owner, one person, or
// one group chat), and only the owner's own direct chat finds the owner's private notes (MEMORY.md,
// memory/, USER.md), as withoutPrivateFiles hides them from the file tools.
import {
  DEFAULT_MEMORY_HITS,
  type Memory,
  type MemoryHit,
  type MemorySearchRequest,
} from "../../ports/memory.ts";
import { allOwner, senderKey, type TurnTrust } from "../intake/trust.ts";
import type { ChatKind, InboundMessage } from "../messages.ts";
import { isPrivatePath } from "./private-files.ts";

/** What a turn's tools may ask of memory. */
export interface TurnMemory {
  /** Contract: the request's actor is the turn's; private notes are left out where the turn may not read them. */
  search(request: Omit<MemorySearchRequest, "actor">): Promise<MemoryHit[]>;
}

/**
 * Whose memory a turn reads and writes. "owner" for the owner in a direct chat (or with no chat:
 * terminal, web, API); a group chat is its own audience ("telegram:group:-100123"), so a person's direct
 * conversations never surface in front of a group; anyone else is themselves ("telegram:1001").
 */
export function memoryActor(
  messages: readonly InboundMessage[],
  trusts: readonly TurnTrust[],
  chatKind: ChatKind,
): string {
  const first = messages[0];
  if (chatKind === "group" && first) return `${first.channel.toLowerCase()}:group:${first.chat.id}`;
  if (allOwner(trusts)) return "owner";
  const i = trusts.findIndex((t) => t.level !== "owner");
  const message = messages[i] ?? first;
  return trusts[i]?.sender ?? (message ? senderKey(message.channel, message.sender.id) : "unknown");
}

export function memoryView(memory: Memory, who: { actor: string; ownerView: boolean }): TurnMemory {
  return {
    async search(request) {
      if (who.ownerView) return memory.search({ ...request, actor: who.actor });
      // Ask for more, since private notes are dropped from what comes back.
      const limit = request.limit ?? DEFAULT_MEMORY_HITS;
      const hits = await memory.search({ ...request, limit: limit * 3, actor: who.actor });
      return hits.filter((hit) => hit.source !== "note" || !isPrivatePath(hit.ref)).slice(0, limit);
    },
  };
}
