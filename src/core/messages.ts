// The neutral currency: every channel turns its updates into an InboundMessage.
import type { EntryOrigin } from "./transcript.ts";

export type ChatKind = "dm" | "group";

/** A message from a person, normalised from any channel (terminal, Telegram, web, HTTP API). */
export interface InboundMessage {
  /** Unique per channel and account: the platform's message or update id. */
  id: string;
  /** "cli", "telegram", "web", "http", ... */
  channel: string;
  /** Which bot/account of the channel received it; "default" when there is one. */
  account: string;
  chat: { id: string; kind: ChatKind; title?: string; threadId?: string };
  sender: { id: string; name?: string };
  text: string;
  /** When it was received, in Clock milliseconds. */
  at: number;
  /** In a group: the bot was named (@mention) or replied to, so the message is meant for it. */
  addressed?: boolean;
  /** The platform's id of this message in its chat (Telegram message_id), to reply to it. */
  messageId?: string;
  /** Files that came with the message, still on the platform until fetched. */
  attachments?: InboundAttachment[];
  /** Set when no person wrote it (heartbeat, reminder, hook, cron): its transcript entry is marked so. */
  internal?: EntryOrigin;
}

/** A file sent with a message: a photo, a document or a voice note. */
export interface InboundAttachment {
  kind: "image" | "document" | "audio";
  /** The platform's id to download it with (Telegram file_id). */
  fileId: string;
  /** The sender's file name, when the platform keeps one. */
  name?: string;
  mediaType?: string;
  /** Size in bytes, when known before download. */
  size?: number;
  /** Where the file was saved in the workspace (a workspace-relative path), once downloaded. */
  path?: string;
}

/** Where a reply goes when it is not answered in the request itself: a channel account's chat. */
export interface DeliveryAddress {
  channel: string;
  account: string;
  chatId: string;
  /** A forum topic or thread inside the chat. */
  threadId?: string;
  /** The message the reply answers (shown as a reply in groups). */
  replyToMessageId?: string;
}

/** Where a turn runs and what the prompt says about it. */
export interface ChannelContext {
  channel: string;
  chatKind: ChatKind;
  /** Shown to the model: "terminal", "Telegram group 'Family'". */
  description: string;
  /** Whether a person can be asked to approve an action right now (the terminal can, a webhook cannot). */
  interactive: boolean;
}
