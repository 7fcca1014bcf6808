// Who may talk to the assistant: one pure decision per inbound message, from the channel's access
// policy and whether the sender paired; plus what an unknown sender is told.
import type { InboundMessage } from "../messages.ts";

/** Direct messages: unknown senders get a pairing code, only allowFrom, or anyone. */
export type DmPolicy = "pairing" | "allowlist" | "open";

/** A channel's access settings (channels.telegram has these keys). */
export interface AccessPolicy {
  dmPolicy: DmPolicy;
  /** Sender ids always allowed in direct messages. */
  allowFrom: readonly string[];
  /** Group chat ids the assistant takes part in; any other group is ignored. */
  groups: readonly string[];
  /** In groups, answer only messages addressed to the bot (a mention or a reply). */
  requireMention: boolean;
}

export type AccessDecision = { kind: "allow" } | { kind: "pair" } | { kind: "ignore"; reason: string };

/**
 * Decides what happens to a message: run a turn, answer with a pairing code, or drop it.
 * In groups the group is what is allowed, so its members need no pairing. `isPaired` (a lookup) is
 * asked only when the answer depends on it: a direct message from someone not in allowFrom.
 */
export async function decideAccess(
  message: InboundMessage,
  policy: AccessPolicy,
  isPaired: () => Promise<boolean>,
): Promise<AccessDecision> {
  if (message.chat.kind === "group") {
    if (!policy.groups.includes(message.chat.id)) return { kind: "ignore", reason: "group not allowed" };
    if (policy.requireMention && !message.addressed) return { kind: "ignore", reason: "not addressed" };
    return { kind: "allow" };
  }
  if (policy.dmPolicy === "open" || policy.allowFrom.includes(message.sender.id)) return { kind: "allow" };
  if (policy.dmPolicy === "allowlist") return { kind: "ignore", reason: "not in allowFrom" };
  return (await isPaired()) ? { kind: "allow" } : { kind: "pair" };
}

/**
 * What an unknown sender is told: the code and the command their owner runs.
 * `channelLabel` is the channel id as the owner types it on the command line ("telegram").
 */
export function pairingReply(code: string, channelLabel: string): string {
  return (
    `Hi! I don't know you yet. Ask my owner to approve you with this code: ${code} ` +
    `(agent-claw pairing approve ${channelLabel} ${code}). It is valid for an hour.`
  );
}

/** What an unknown sender is told when the owner already has the most requests waiting. */
export const PAIRING_LIMIT_REPLY =
  "Hi! I don't know you yet, and my owner already has several requests to review. Please try again later.";
