// The fake Bot API's memory of chats and messages, and builders of realistic inbound Update JSON
// (private chats, groups, forum topics, replies to the bot, photos, documents, voice notes).
// Message ids come from one counter per chat shared with the bot's own messages, as on Telegram.
import type { Chat, Message, MessageEntity, Update, User } from "grammy/types";
import { type FileStore, TINY_PNG } from "./telegram-files.ts";

/** Chats and messages the fake has seen or sent. */
export interface Conversations {
  /** The chat with this id: as first seen, or derived from the id's shape. */
  chat(id: number): Chat;
  nextMessageId(chatId: number): number;
  /** Stores a message (inbound or sent) so it can be replied to, edited or deleted. */
  remember(message: Message): void;
  find(chatId: number, messageId: number): Message | undefined;
  forget(chatId: number, messageId: number): boolean;
  lastFromBot(chatId: number, botId: number): Message | undefined;
  /** The bot's messages in the chat as they stand (edits applied, deleted ones gone), oldest first. */
  fromBot(chatId: number, botId: number): Message[];
}

/** Creates an empty chat and message memory. */
export function createConversations(): Conversations {
  const chats = new Map<number, Chat>();
  const counters = new Map<number, number>();
  const messages = new Map<string, Message>();
  const key = (chatId: number, messageId: number) => `${chatId}:${messageId}`;
  return {
    chat: (id) => chats.get(id) ?? derivedChat(id),
    nextMessageId(chatId) {
      const next = (counters.get(chatId) ?? 0) + 1;
      counters.set(chatId, next);
      return next;
    },
    remember(message) {
      chats.set(message.chat.id, message.chat);
      const seen = counters.get(message.chat.id) ?? 0;
      if (message.message_id > seen) counters.set(message.chat.id, message.message_id);
      messages.set(key(message.chat.id, message.message_id), message);
    },
    find: (chatId, messageId) => messages.get(key(chatId, messageId)),
    forget: (chatId, messageId) => messages.delete(key(chatId, messageId)),
    lastFromBot(chatId, botId) {
      return [...messages.values()].findLast((m) => m.chat.id === chatId && m.from?.id === botId);
    },
    fromBot(chatId, botId) {
      return [...messages.values()]
        .filter((m) => m.chat.id === chatId && m.from?.id === botId)
        .sort((a, b) => a.message_id - b.message_id);
    },
  };
}

/** What an inbound message looks like; every field has a realistic default. */
export interface MessageOptions {
  /** Defaults to the sender's id for a private chat, else a typical group or supergroup id. */
  chatId?: number;
  /** The sender; defaults to the human user Ada Lovelace (@ada, id 1001, or the private chat's id). */
  from?: Partial<User>;
  /** The text, or the caption when a photo, document or voice note is attached. */
  text?: string;
  /** Defaults from the id: positive is private, -100… is a supergroup, other negatives a group. */
  chatType?: "private" | "group" | "supergroup";
  /** Marks a forum-topic message in a supergroup (`is_topic_message`). */
  messageThreadId?: number;
  /** Explicit entities; by default bot commands and @mentions in the text are detected. */
  entities?: MessageEntity[];
  /** Replies to the bot's last message in the chat (true) or to a given message id of the bot. */
  replyToBot?: boolean | number;
  photo?: true | { width?: number; height?: number; fileSize?: number };
  document?: { fileName: string; mimeType?: string; fileSize?: number };
  voice?: { duration: number; fileSize?: number };
  /** Unix seconds; defaults to now. */
  date?: number;
}

/** What the builders need from the fake. */
export interface UpdateSource {
  bot: User;
  conversations: Conversations;
  nextUpdateId(): number;
  /** Where attached files' bytes are registered, so getFile and downloads find them. */
  files: FileStore;
}

/** The default sender. */
const ADA: User = {
  id: 1001,
  is_bot: false,
  first_name: "Ada",
  last_name: "Lovelace",
  username: "ada",
  language_code: "en",
};

let fileCounter = 0;

/** A file_id / file_unique_id pair shaped like Telegram's (opaque base64url strings). */
export function fileIds(kind: string): { file_id: string; file_unique_id: string } {
  const n = ++fileCounter;
  const tail = Buffer.from(`${kind}:${n}`).toString("base64url");
  return { file_id: `AgACAgIAAxkBAAI${tail}`, file_unique_id: `AQAD${tail}` };
}

/** Three PhotoSize entries (thumbnail to full size), as Telegram returns for one photo. */
export function photoSizes(width = 1280, height = 960, fileSize = 120_000) {
  return [0.07, 0.25, 1].map((scale) => ({
    ...fileIds("photo"),
    width: Math.round(width * scale),
    height: Math.round(height * scale),
    file_size: Math.round(fileSize * scale * scale),
  }));
}

/** Builds a `message` Update with the next update_id; the message is remembered, not queued. */
export function buildMessageUpdate(source: UpdateSource, options: MessageOptions = {}): Update {
  const type = options.chatType ?? typeFromId(options.chatId);
  const chatId = options.chatId ?? (type === "private" ? (options.from?.id ?? ADA.id) : defaultGroupId(type));
  // In a private chat the sender is the chat; a given `from` replaces Ada rather than merging into her.
  const senderId = options.from?.id ?? (type === "private" ? chatId : ADA.id);
  const from: User =
    options.from === undefined
      ? { ...ADA, id: senderId }
      : { is_bot: false, first_name: "User", ...options.from, id: senderId };
  const chat = chatFor(source.conversations, chatId, type, from, options.messageThreadId !== undefined);
  const text = options.text ?? "";
  const entities = options.entities ?? detectEntities(text);
  const attachment = options.photo ?? options.document ?? options.voice;
  // Resolved first so a stand-in bot message gets the lower message id, as it came earlier.
  const replyTo =
    options.replyToBot === undefined || options.replyToBot === false
      ? undefined
      : botMessage(source, chat, options.replyToBot);
  const message = {
    message_id: source.conversations.nextMessageId(chatId),
    from,
    chat,
    date: options.date ?? Math.floor(Date.now() / 1000),
    ...(options.messageThreadId !== undefined && {
      message_thread_id: options.messageThreadId,
      is_topic_message: true,
    }),
    ...(replyTo !== undefined && { reply_to_message: replyTo }),
    ...attachmentFields(options, source.files),
    ...(attachment === undefined
      ? { text, ...(entities.length > 0 && { entities }) }
      : text !== "" && { caption: text, ...(entities.length > 0 && { caption_entities: entities }) }),
  } as Message;
  source.conversations.remember(message);
  return { update_id: source.nextUpdateId(), message } as Update;
}

/**
 * The photo, document or voice fields, each file registered with deterministic bytes: a tiny PNG
 * for every photo size, a line of text naming a document, an OGG header and the file id for a voice.
 */
function attachmentFields(options: MessageOptions, files: FileStore): Partial<Message> {
  if (options.photo !== undefined) {
    const photo = options.photo === true ? {} : options.photo;
    const sizes = photoSizes(photo.width, photo.height, photo.fileSize);
    for (const size of sizes) files.register("photo", size, TINY_PNG);
    return { photo: sizes };
  }
  if (options.document !== undefined) {
    const { fileName, mimeType, fileSize } = options.document;
    const ids = fileIds("document");
    files.register("document", ids, Buffer.from(`Contents of ${fileName} (${ids.file_id})\n`), fileName);
    return {
      document: {
        ...ids,
        file_name: fileName,
        mime_type: mimeType ?? "application/octet-stream",
        file_size: fileSize ?? 2048,
      },
    };
  }
  if (options.voice !== undefined) {
    const { duration, fileSize } = options.voice;
    const ids = fileIds("voice");
    files.register("voice", ids, Buffer.from(`OggS${ids.file_id}`));
    return {
      voice: {
        ...ids,
        duration,
        mime_type: "audio/ogg",
        file_size: fileSize ?? duration * 4000,
      },
    };
  }
  return {};
}

/** The bot message being replied to: a remembered one when possible, else a plausible stand-in. */
function botMessage(source: UpdateSource, chat: Chat, target: true | number): Message {
  const { conversations, bot } = source;
  const found =
    target === true ? conversations.lastFromBot(chat.id, bot.id) : conversations.find(chat.id, target);
  if (found !== undefined) {
    const { reply_to_message: _nested, ...rest } = found;
    return rest as Message;
  }
  const stub = {
    message_id: target === true ? conversations.nextMessageId(chat.id) : target,
    from: bot,
    chat,
    date: Math.floor(Date.now() / 1000) - 60,
    text: "(an earlier reply from the bot)",
  } as Message;
  conversations.remember(stub);
  return stub;
}

/** Bot commands and @mentions, which Telegram marks on inbound text by itself. */
function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(
    /(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?|@[A-Za-z0-9_]{5,32})/g,
  )) {
    const offset = match.index + match[1]!.length;
    const type = match[2]!.startsWith("/") ? "bot_command" : "mention";
    entities.push({ type, offset, length: match[2]!.length });
  }
  return entities;
}

function chatFor(
  conversations: Conversations,
  id: number,
  type: Chat["type"],
  from: User,
  forum: boolean,
): Chat {
  if (type === "private") {
    const { first_name, last_name, username } = from;
    return { id, type, first_name, ...(last_name && { last_name }), ...(username && { username }) };
  }
  const known = conversations.chat(id);
  if (known.type === type && (!forum || ("is_forum" in known && known.is_forum === true))) return known;
  if (type === "group") return { id, type, title: "Test Group" };
  return { id, type: "supergroup", title: "Test Supergroup", ...(forum && { is_forum: true as const }) };
}

function derivedChat(id: number): Chat {
  if (id > 0) return { id, type: "private", first_name: `User ${id}` };
  return id <= -1_000_000_000_000
    ? { id, type: "supergroup", title: "Test Supergroup" }
    : { id, type: "group", title: "Test Group" };
}

function typeFromId(id: number | undefined): "private" | "group" | "supergroup" {
  return id === undefined || id > 0 ? "private" : derivedChat(id).type === "group" ? "group" : "supergroup";
}

function defaultGroupId(type: "group" | "supergroup"): number {
  return type === "group" ? -4_000_000_001 : -1_001_000_000_001;
}
