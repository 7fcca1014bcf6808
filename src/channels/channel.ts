// The Channel contract: how a chat platform plugs in. verify and parse are pure and run on both
// engines (the gateway's webhook route and a Lambda); outbound sends replies back to a chat.
import type { InboundMessage } from "../core/messages.ts";

/** What a channel's chats can show, so delivery can adapt (chunk size, preview edits, typing). */
export interface ChannelCapabilities {
  /** Longest text one message may hold. */
  maxText: number;
  /** A sent message can be edited (streaming by editing one preview). */
  edit: boolean;
  /** A "typing…" indicator can be shown. */
  typing: boolean;
  markup: "html" | "mrkdwn" | "none";
}

/** Where a reply goes: a chat, and inside it a forum topic or the message being answered. */
export interface DeliveryTarget {
  chatId: string;
  threadId?: string;
  replyToMessageId?: string;
}

/** Sends to one account of a channel. */
export interface ChannelOutbound {
  /**
   * Contract: delivers the whole text, split to the channel's limits, formatted where it can be and
   * as plain text where the platform refuses the markup; resolves with the platform ids of the
   * messages sent, in order.
   */
  send(target: DeliveryTarget, text: string): Promise<string[]>;
  /** Contract: replaces the text of a message sent before; a no-op change is not an error. */
  edit?(target: DeliveryTarget, messageId: string, text: string): Promise<void>;
  /** Contract: shows "typing…" for a few seconds; failures are swallowed (it is only a hint). */
  typing?(target: DeliveryTarget): Promise<void>;
}

export interface Channel<Account> {
  /** "telegram" */
  readonly id: string;
  readonly capabilities: ChannelCapabilities;
  /** Contract: a constant-time check of the platform's secret or signature; runs before any parsing. */
  verify(headers: Headers, account: Account): boolean;
  /** Contract: validates the payload; [] for update kinds it ignores; never throws on unknown ones. */
  parse(body: unknown, account: Account): InboundMessage[];
  outbound(account: Account): ChannelOutbound;
}
