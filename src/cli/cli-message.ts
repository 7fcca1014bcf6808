// What a message typed in the terminal looks like to the core: a direct chat with the local user.
import { userInfo } from "node:os";
import type { ChannelContext, InboundMessage } from "../core/messages.ts";
import { type DmScope, normalizeSessionKey, sessionKeyFor } from "../core/session-key.ts";

export function terminalUser(): string {
  try {
    return userInfo().username || "local";
  } catch {
    return "local";
  }
}

export function cliMessage(text: string, at: number, id: string): InboundMessage {
  const user = terminalUser();
  return {
    id,
    channel: "cli",
    account: "default",
    chat: { id: "terminal", kind: "dm" },
    sender: { id: user, name: user },
    text,
    at,
  };
}

export function cliChannel(interactive: boolean): ChannelContext {
  return { channel: "cli", chatKind: "dm", description: "the terminal", interactive };
}

/** --session wins; otherwise the key that dmScope gives a terminal message. */
export function cliSessionKey(explicit: string | undefined, dmScope: DmScope): string {
  if (explicit) return normalizeSessionKey(explicit);
  return sessionKeyFor(cliMessage("", 0, "key"), dmScope);
}
