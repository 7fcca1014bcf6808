// Reads a Telegram callback_query update (someone pressed an inline button under a bot message):
// pure and engine-neutral like parse.ts, validated with zod, and never throws.
import { z } from "zod";

const callbackSchema = z.object({
  id: z.string().min(1),
  from: z.object({ id: z.number().int(), is_bot: z.boolean(), first_name: z.string() }),
  message: z.object({ message_id: z.number().int(), chat: z.object({ id: z.number().int() }) }).optional(),
  data: z.string().optional(),
});

/** A press of an inline button under one of the bot's messages. */
export interface TelegramCallback {
  /** For answerCallbackQuery: Telegram waits for that answer to stop the button's spinner. */
  queryId: string;
  senderId: string;
  senderName: string;
  /** Absent when the message is too old for Telegram to include it. */
  chatId?: string;
  messageId?: string;
  /** The button's callback_data, as the bot set it (1-64 bytes). */
  data: string;
}

/** Reads a callback_query update. Contract: never throws; undefined for anything else. */
export function parseTelegramCallback(body: unknown): TelegramCallback | undefined {
  const update = z.object({ callback_query: callbackSchema }).safeParse(body);
  if (!update.success) return undefined;
  const { id, from, message, data } = update.data.callback_query;
  return {
    queryId: id,
    senderId: String(from.id),
    senderName: from.first_name,
    ...(message && { chatId: String(message.chat.id), messageId: String(message.message_id) }),
    data: data ?? "",
  };
}
