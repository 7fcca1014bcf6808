// What the registry knows about Telegram without loading grammY: data only, no runtime code.
import type { ChannelCapabilities } from "../channel.ts";

/**
 * Telegram's id, label and what its chats can show.
 * Contract: plain data; 4096 is Telegram's limit on one message's text (after entity parsing).
 */
export const telegramManifest = {
  id: "telegram",
  label: "Telegram",
  capabilities: { maxText: 4096, edit: true, typing: true, markup: "html" } satisfies ChannelCapabilities,
};
