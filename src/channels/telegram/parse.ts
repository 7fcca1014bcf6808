// Turns a Telegram Bot API Update (webhook body or long-poll result) into InboundMessages: pure and
// engine-neutral, so the gateway, a Lambda and grammY polling all share it. Validates with zod only
// the fields it reads; anything else, or any update kind it does not handle, yields [] and never throws.
import { z } from "zod";
import type { ChatKind, InboundAttachment, InboundMessage } from "../../core/messages.ts";

/** The bot the update was sent to, as getMe reports it. */
export interface TelegramBotIdentity {
  id: number;
  /** Without the leading "@". */
  username: string;
}

// Offsets and lengths count UTF-16 code units, exactly like JS string indices.
const entitySchema = z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() });
const fileSize = z.number().int().nonnegative().optional();

const messageSchema = z.object({
  message_id: z.number().int(),
  from: z
    .object({
      id: z.number().int(),
      is_bot: z.boolean(),
      first_name: z.string(),
      last_name: z.string().optional(),
      username: z.string().optional(),
    })
    .optional(),
  chat: z.object({ id: z.number().int(), type: z.string(), title: z.string().optional() }),
  date: z.number(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  is_automatic_forward: z.boolean().optional(),
  reply_to_message: z
    .object({
      from: z.object({ id: z.number().int() }).optional(),
      forum_topic_created: z.unknown().optional(),
    })
    .optional(),
  text: z.string().optional(),
  entities: z.array(entitySchema).optional(),
  caption: z.string().optional(),
  caption_entities: z.array(entitySchema).optional(),
  photo: z
    .array(z.object({ file_id: z.string(), width: z.number(), height: z.number(), file_size: fileSize }))
    .optional(),
  document: z
    .object({
      file_id: z.string(),
      file_name: z.string().optional(),
      mime_type: z.string().optional(),
      file_size: fileSize,
    })
    .optional(),
  voice: z.object({ file_id: z.string(), mime_type: z.string().optional(), file_size: fileSize }).optional(),
  audio: z
    .object({
      file_id: z.string(),
      file_name: z.string().optional(),
      mime_type: z.string().optional(),
      file_size: fileSize,
    })
    .optional(),
});

// Only `message` becomes an InboundMessage; `callback_query` (a press of an inline button) is read by
// parseTelegramCallback in callback.ts. edited_message, channel_post and the rest pass validation and yield nothing.

/** The update kinds to ask Telegram for (getUpdates and setWebhook): those parse reads, no more. */
export const TELEGRAM_UPDATE_KINDS = ["message", "callback_query"] as const;

const updateSchema = z.object({ update_id: z.number().int(), message: messageSchema.optional() });

type TelegramMessage = z.infer<typeof messageSchema>;
type Entity = z.infer<typeof entitySchema>;

/**
 * Normalises one Update into the messages the assistant should see (zero or one today).
 * Contract: never throws; returns [] for a body that is not an Update, for update kinds other than
 * `message`, for messages from bots, automatic channel forwards and service messages (no text,
 * caption or supported file), and for chats that are neither private nor groups.
 * Contract: `id` is the update_id (the dedupe key); `addressed` is true in a DM, or in a group when
 * the bot is @mentioned, sent a /command@bot, or replied to; a leading "@bot" mention is stripped.
 */
export function parseTelegramUpdate(
  body: unknown,
  bot: TelegramBotIdentity,
  account = "default",
): InboundMessage[] {
  const update = updateSchema.safeParse(body);
  if (!update.success || update.data.message === undefined) return [];
  const message = toInbound(update.data.update_id, update.data.message, bot, account);
  return message === undefined ? [] : [message];
}

function toInbound(
  updateId: number,
  message: TelegramMessage,
  bot: TelegramBotIdentity,
  account: string,
): InboundMessage | undefined {
  const { from, chat } = message;
  // A linked channel's posts are auto-forwarded into its discussion group by "Telegram" (777000).
  if (from === undefined || from.is_bot || message.is_automatic_forward === true) return undefined;
  const kind = chatKind(chat.type);
  if (kind === undefined) return undefined;

  const attachments = attachmentsOf(message);
  const rawText = message.text ?? message.caption ?? "";
  if (rawText === "" && attachments.length === 0) return undefined; // service message
  const entities = (message.text !== undefined ? message.entities : message.caption_entities) ?? [];

  const name = [from.first_name, from.last_name].filter(Boolean).join(" ") || from.username;
  return {
    id: String(updateId),
    channel: "telegram",
    account,
    chat: {
      id: String(chat.id),
      kind,
      ...(chat.title !== undefined && { title: chat.title }),
      // Outside forums message_thread_id marks a reply thread, not a topic, so it is no place to post.
      ...(message.is_topic_message === true &&
        message.message_thread_id !== undefined && { threadId: String(message.message_thread_id) }),
    },
    sender: { id: String(from.id), ...(name && { name }) },
    text: kind === "group" ? stripLeadingMention(rawText, entities, bot, attachments.length > 0) : rawText,
    at: message.date * 1000,
    addressed: kind === "dm" || mentionsBot(rawText, entities, bot) || repliesToBot(message, bot),
    messageId: String(message.message_id),
    ...(attachments.length > 0 && { attachments }),
  };
}

function chatKind(type: string): ChatKind | undefined {
  if (type === "private") return "dm";
  if (type === "group" || type === "supergroup") return "group";
  return undefined;
}

function attachmentsOf(message: TelegramMessage): InboundAttachment[] {
  const found: InboundAttachment[] = [];
  // Telegram sends one photo in several sizes; the largest is the one worth reading.
  const largest = message.photo?.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  if (largest !== undefined) {
    found.push(file("image", largest.file_id, { mediaType: "image/jpeg", size: largest.file_size }));
  }
  const { document, voice, audio } = message;
  if (document !== undefined) {
    const kind = document.mime_type?.startsWith("image/") ? "image" : "document";
    found.push(
      file(kind, document.file_id, {
        name: document.file_name,
        mediaType: document.mime_type,
        size: document.file_size,
      }),
    );
  }
  // Voice notes are OGG/Opus; Telegram names the type, but a missing one should still play.
  if (voice !== undefined) {
    const { file_id, mime_type, file_size } = voice;
    found.push(file("audio", file_id, { mediaType: mime_type ?? "audio/ogg", size: file_size }));
  }
  if (audio !== undefined) {
    const { file_id, file_name, mime_type, file_size } = audio;
    found.push(
      file("audio", file_id, { name: file_name, mediaType: mime_type ?? "audio/ogg", size: file_size }),
    );
  }
  return found;
}

/** An attachment without the keys Telegram left out, so results compare and serialise cleanly. */
function file(
  kind: InboundAttachment["kind"],
  fileId: string,
  extra: { name?: string | undefined; mediaType?: string | undefined; size?: number | undefined },
): InboundAttachment {
  const { name, mediaType, size } = extra;
  return {
    kind,
    fileId,
    ...(name !== undefined && { name }),
    ...(mediaType !== undefined && { mediaType }),
    ...(size !== undefined && { size }),
  };
}

const entityText = (text: string, entity: Entity) => text.slice(entity.offset, entity.offset + entity.length);
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function isBotMention(text: string, entity: Entity, bot: TelegramBotIdentity): boolean {
  return entity.type === "mention" && sameName(entityText(text, entity), `@${bot.username}`);
}

function mentionsBot(text: string, entities: Entity[], bot: TelegramBotIdentity): boolean {
  return entities.some((entity) => {
    if (isBotMention(text, entity, bot)) return true;
    if (entity.type !== "bot_command") return false;
    const target = entityText(text, entity).split("@")[1];
    return target !== undefined && sameName(target, bot.username);
  });
}

function repliesToBot(message: TelegramMessage, bot: TelegramBotIdentity): boolean {
  const replied = message.reply_to_message;
  // In a forum topic a plain message "replies" to the topic's creation; that is not talking to the bot.
  if (replied === undefined || replied.forum_topic_created !== undefined) return false;
  return replied.from?.id === bot.id;
}

/** "@bot what's up" → "what's up"; a bare "@bot" with nothing else stays, so the ping is not empty. */
function stripLeadingMention(
  text: string,
  entities: Entity[],
  bot: TelegramBotIdentity,
  hasAttachments: boolean,
): string {
  const first = entities.find((entity) => entity.offset === 0 && isBotMention(text, entity, bot));
  if (first === undefined) return text;
  const rest = text.slice(first.length).replace(/^[\s,:]+/, "");
  return rest === "" && !hasAttachments ? text : rest;
}

/**
 * Reads a slash command from the start of a message's text: "/new", "/status@MyBot extra words".
 * Contract: null when the text is not a command or is addressed to another bot (/cmd@otherbot);
 * otherwise the lower-cased name without "/" and the trimmed rest, for any command name (the caller
 * decides which it knows, see isTelegramCommand in telegram-commands.ts).
 */
export function telegramCommand(
  message: InboundMessage,
  botUsername: string,
): { name: string; args: string } | null {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(message.text);
  if (match === null) return null;
  const [, name, target, args] = match;
  if (target !== undefined && !sameName(target, botUsername)) return null;
  return { name: name!.toLowerCase(), args: (args ?? "").trim() };
}
