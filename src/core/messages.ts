// The neutral currency: every channel turns its updates into an InboundMessage.

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
