// Telegram groups the bot heard from but does not take part in (not in channels.telegram.groups):
// a short, recent list so the owner can find a group's id and allow it. Kept in memory only: it is a
// hint, rebuilt by the next message after a restart.
import type { InboundMessage } from "../../core/messages.ts";
import type { IgnoredGroup } from "../channel-module.ts";

/** At most this many groups are remembered; the one heard from least recently goes first. */
export const IGNORED_GROUPS_LIMIT = 20;
/** A group is logged again at most this often (a busy group must not flood the log). */
export const IGNORED_GROUP_LOG_EVERY_MS = 60 * 60_000;

export type { IgnoredGroup };

/** The command that allows `chatId` besides the groups allowed now. */
export function allowGroupCommand(allowed: readonly string[], chatId: string): string {
  return `agent-claw config set channels.telegram.groups '${JSON.stringify([...allowed, chatId])}'`;
}

export function createIgnoredGroups(options: { limit?: number } = {}) {
  const limit = options.limit ?? IGNORED_GROUPS_LIMIT;
  /** Insertion order is recency: a group heard from again moves to the end. */
  const groups = new Map<string, IgnoredGroup & { loggedAt: number }>();
  /**
   * When the last lines were logged, for all groups together: a group pushed out of the list is
   * new again, so without this budget more groups than `limit` taking turns would log every message.
   */
  const logged: number[] = [];

  return {
    /**
     * Notes a message from a group that is not allowed. Returns true when it should be logged: the
     * first message from the group, or the first one after IGNORED_GROUP_LOG_EVERY_MS, while fewer
     * than `limit` lines were logged in that time.
     */
    note(message: InboundMessage, at: number): boolean {
      const chatId = message.chat.id;
      const known = groups.get(chatId);
      groups.delete(chatId);
      while (logged.length > 0 && at - logged[0]! >= IGNORED_GROUP_LOG_EVERY_MS) logged.shift();
      const due = !known || at - known.loggedAt >= IGNORED_GROUP_LOG_EVERY_MS;
      const logNow = due && logged.length < limit;
      if (logNow) logged.push(at);
      groups.set(chatId, {
        chatId,
        title: message.chat.title ?? known?.title,
        firstSeenAt: known?.firstSeenAt ?? at,
        lastSeenAt: at,
        messages: (known?.messages ?? 0) + 1,
        loggedAt: logNow ? at : (known?.loggedAt ?? Number.NEGATIVE_INFINITY),
      });
      if (groups.size > limit) groups.delete(groups.keys().next().value!);
      return logNow;
    },

    /** The groups heard from, most recent first, leaving out those allowed since. */
    list(allowed: readonly string[]): IgnoredGroup[] {
      return [...groups.values()]
        .filter((group) => !allowed.includes(group.chatId))
        .reverse()
        .map(({ loggedAt: _, ...group }) => group);
    },
  };
}

export type IgnoredGroups = ReturnType<typeof createIgnoredGroups>;
