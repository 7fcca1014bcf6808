// What an approved sender is told ("You're approved…"), stored in the outbox like a reply: it reaches
// them once, also when Telegram or the gateway is down at the moment of approval (sent at the next start).
import { CHANNEL_IDS } from "../channels/index.ts";
import type { OutboxRecord } from "../ports/outbox.ts";
import type { PairingRequest } from "../ports/pairings.ts";

export const APPROVED_REPLY = "You're approved: my owner let you in. Write me anything to start.";

/** Channels whose outbox records the gateway delivers (the chat channels); approvals elsewhere are not announced. */
const ANNOUNCED = new Set<string>(CHANNEL_IDS);

/** The outbox record that tells `request`'s sender, in their direct chat; undefined where nothing delivers it. */
export function approvalNotice(request: PairingRequest, now: number): OutboxRecord | undefined {
  if (!ANNOUNCED.has(request.channel)) return undefined;
  return {
    // One per request: approving the same code twice (or retrying) tells them once.
    key: `pairing:approved:${request.channel}:${request.code}`,
    sessionKey: `agent:main:${request.channel}:dm:${request.senderId.replaceAll(":", "%3A")}`,
    status: "done",
    reply: APPROVED_REPLY,
    usage: { inputTokens: 0, outputTokens: 0 },
    createdAt: now,
    // A Telegram direct chat's id is the sender's id.
    deliverTo: { channel: request.channel, account: "default", chatId: request.senderId },
  };
}
