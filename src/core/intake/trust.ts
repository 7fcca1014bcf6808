// Who a message comes from, as far as the assistant's trust goes: its owner, someone the owner
// approved, or anyone else. Kept with each turn job (so it is JSON and validated when read back).
import { z } from "zod";

/**
 * owner: the web chat, the terminal, the token-holding API caller and CLI, and the Telegram ids in
 * channels.telegram.owners. approved: senders in allowFrom or approved by pairing. untrusted: the rest
 * (group members nobody approved, strangers when dmPolicy is "open").
 */
export type TrustLevel = "owner" | "approved" | "untrusted";

/** The trust of one message. `sender` ("telegram:1001") picks a per-sender tool policy. */
export interface TurnTrust {
  level: TrustLevel;
  sender?: string;
}

export const trustSchema = z.strictObject({
  level: z.enum(["owner", "approved", "untrusted"]),
  sender: z.string().min(1).max(300).optional(),
});

/** Turns with no sender of their own (web chat, terminal, API, hooks, the owner's cron jobs). */
export const OWNER_TRUST: TurnTrust = { level: "owner" };
export const UNTRUSTED: TurnTrust = { level: "untrusted" };

/**
 * Reads a trust back from the queue: a value that does not validate is taken as untrusted, never as
 * more. Absent means the job was made before trust was recorded: a job from a chat is then untrusted.
 */
export function readTrust(value: unknown, fromChat: boolean): TurnTrust {
  if (value === undefined) return fromChat ? UNTRUSTED : OWNER_TRUST;
  const parsed = trustSchema.safeParse(value);
  return parsed.success ? parsed.data : UNTRUSTED;
}

/** The sender key of a per-sender policy: "<channel>:<sender id>". */
export const senderKey = (channel: string, senderId: string) => `${channel.toLowerCase()}:${senderId}`;

/** Whether every message of a turn is the owner's (only then may it see the owner's private files). */
export const allOwner = (trusts: readonly TurnTrust[]) => trusts.every((t) => t.level === "owner");

/** How a person is described in /status and the prompt. */
export function describeTrust(trust: TurnTrust): string {
  switch (trust.level) {
    case "owner":
      return "the owner";
    case "approved":
      return "someone the owner approved";
    case "untrusted":
      return "someone the owner has not approved";
  }
}

const RANK: Record<TrustLevel, number> = { untrusted: 0, approved: 1, owner: 2 };

/** The least trusted of a turn's messages: what a job the turn makes (a cron job) is trusted with. */
export function leastTrust(trusts: readonly TurnTrust[]): TurnTrust {
  return trusts.reduce<TurnTrust>((least, t) => (RANK[t.level] < RANK[least.level] ? t : least), OWNER_TRUST);
}
