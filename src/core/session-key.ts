// Session keys: which conversation a message belongs to, from channel, account, chat and sender.
import type { InboundMessage } from "./messages.ts";

/**
 * main: the owner's direct chats share the main session, and everyone else gets one per channel and
 * sender; per-peer: one per sender; per-channel-peer: one per channel and sender.
 */
export type DmScope = "main" | "per-peer" | "per-channel-peer";

export const DEFAULT_AGENT_ID = "main";

/** Key parts are joined with ":", so a ":" (or "%") inside an id is escaped. Ids keep their case. */
function part(value: string): string {
  return value.replaceAll("%", "%25").replaceAll(":", "%3A");
}

/** The key of the agent's main session, where direct chats land with dmScope "main". */
export function mainSessionKey(agentId = DEFAULT_AGENT_ID): string {
  return `agent:${part(agentId)}:main`;
}

/**
 * The session key for a message. Groups always get their own session (and each forum topic its
 * own); direct messages follow dmScope, where "main" holds only the owner's (`owner`, default true:
 * the terminal and the web chat are the owner's). A non-default account is part of the channel segment.
 */
export function sessionKeyFor(
  message: InboundMessage,
  dmScope: DmScope,
  options: { owner?: boolean; agentId?: string } = {},
): string {
  const agentId = options.agentId ?? DEFAULT_AGENT_ID;
  const agent = `agent:${part(agentId)}`;
  const name = part(message.channel.toLowerCase());
  const channel = message.account === "default" ? name : `${name}@${part(message.account)}`;
  if (message.chat.kind === "group") {
    const topic = message.chat.threadId ? `:topic:${part(message.chat.threadId)}` : "";
    return `${agent}:${channel}:group:${part(message.chat.id)}${topic}`;
  }
  // Someone else in the owner's main session would read the owner's history and be answered together.
  const scope = dmScope === "main" && options.owner === false ? "per-channel-peer" : dmScope;
  switch (scope) {
    case "main":
      return mainSessionKey(agentId);
    case "per-peer":
      return `${agent}:dm:${part(message.sender.id)}`;
    case "per-channel-peer":
      return `${agent}:${channel}:dm:${part(message.sender.id)}`;
  }
}

/** Accepts a key typed by a person: a full key, or a short name that becomes agent:main:<name>. */
export function normalizeSessionKey(input: string, agentId = DEFAULT_AGENT_ID): string {
  const trimmed = input.trim();
  if (!trimmed)
    throw new Error('A session key cannot be empty; try "main" or a key from `agent-claw sessions list`.');
  if (trimmed.startsWith("agent:")) return trimmed;
  return `agent:${part(agentId)}:${trimmed.split(":").map(part).join(":")}`;
}
