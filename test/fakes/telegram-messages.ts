// The fake Bot API's message methods: sendMessage, editMessageText, deleteMessage, sendChatAction,
// sendPhoto and sendDocument, with Telegram's validation (HTML parse errors, empty and too-long
// text, edit "not modified", unknown targets) and realistic Message results.
import type { Chat, Message, User } from "grammy/types";
import { HtmlParseError, type ParsedHtml, parseTelegramHtml } from "./telegram-html.ts";
import { type Conversations, fileIds, photoSizes } from "./telegram-updates.ts";
import { type ApiReply, bad, isReply, type MethodHandler, num, ok, record } from "./telegram-wire.ts";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** Telegram derives a document's type from its name; grammY always sends application/octet-stream. */
const MIME: Record<string, string> = {
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  pdf: "application/pdf",
  zip: "application/zip",
  png: "image/png",
  jpg: "image/jpeg",
};

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const now = () => Math.floor(Date.now() / 1000);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
const settled = (value: Message | ApiReply): ApiReply => (isReply(value) ? value : ok(value));
const inlineMarkup = (value: unknown) => ("inline_keyboard" in record(value) ? value : undefined);

/**
 * Applies parse_mode or explicit entities, then Telegram's emptiness and length rules (4096 for
 * text, 1024 for captions, counted in UTF-16 units after parsing). Markdown modes pass through.
 */
export function formatText(
  raw: unknown,
  mode: unknown,
  entities: unknown,
  kind: "text" | "caption",
): ParsedHtml | ApiReply {
  const source = raw === undefined ? "" : String(raw);
  const parseMode = typeof mode === "string" ? mode.toLowerCase() : "";
  if (!["", "html", "markdown", "markdownv2"].includes(parseMode)) return bad("unsupported parse_mode");
  let parsed: ParsedHtml = { text: source, entities: Array.isArray(entities) ? entities : [] };
  if (parseMode === "html" && !Array.isArray(entities)) {
    try {
      parsed = parseTelegramHtml(source);
    } catch (error) {
      if (error instanceof HtmlParseError) return bad(`can't parse entities: ${error.message}`);
      throw error;
    }
  }
  if (kind === "text" && parsed.text.trim() === "") return bad("message text is empty");
  if (kind === "text" && parsed.text.length > 4096) return bad("message is too long");
  if (kind === "caption" && parsed.text.length > 1024) return bad("message caption is too long");
  return parsed;
}

/** The message methods, keyed by Bot API method name. */
export function createMessageMethods(bot: User, conversations: Conversations): Record<string, MethodHandler> {
  const chatOf = (params: Record<string, unknown>): Chat | ApiReply => {
    if (params["chat_id"] === undefined || params["chat_id"] === "") return bad("chat_id is empty");
    const id = num(params["chat_id"]);
    return id === undefined ? bad("chat not found") : conversations.chat(id);
  };

  /** Builds, remembers and returns the bot's message, or Telegram's error for a bad reply target. */
  const outgoing = (chat: Chat, params: Record<string, unknown>, content: object): Message | ApiReply => {
    const reply = record(params["reply_parameters"]);
    const replyTo = num(reply["message_id"]) ?? num(params["reply_to_message_id"]);
    const target = replyTo === undefined ? undefined : conversations.find(chat.id, replyTo);
    const lenient =
      reply["allow_sending_without_reply"] === true || params["allow_sending_without_reply"] === true;
    if (replyTo !== undefined && target === undefined && !lenient)
      return bad("message to be replied not found");
    const thread = num(params["message_thread_id"]);
    const markup = inlineMarkup(params["reply_markup"]);
    const message = {
      message_id: conversations.nextMessageId(chat.id),
      from: bot,
      chat,
      date: now(),
      ...(thread !== undefined && { message_thread_id: thread, is_topic_message: true }),
      ...(target !== undefined && { reply_to_message: { ...target, reply_to_message: undefined } }),
      ...content,
      ...(markup !== undefined && { reply_markup: markup }),
    } as Message;
    conversations.remember(message);
    return message;
  };

  /** sendPhoto and sendDocument: an upload (multipart) or a file_id / URL string is required. */
  const sendFile =
    (field: "photo" | "document", build: (filename?: string, size?: number) => object): MethodHandler =>
    ({ params, files }) => {
      const chat = chatOf(params);
      if (isReply(chat)) return chat;
      const upload = files.find((file) => file.field === field);
      if (upload === undefined && (typeof params[field] !== "string" || params[field] === "")) {
        return bad(`there is no ${field} in the request`);
      }
      const caption = formatText(
        params["caption"],
        params["parse_mode"],
        params["caption_entities"],
        "caption",
      );
      if (isReply(caption)) return caption;
      const content = { [field]: build(upload?.filename, upload?.size), ...textFields(caption, "caption") };
      return settled(outgoing(chat, params, content));
    };

  return {
    sendMessage({ params }) {
      const chat = chatOf(params);
      if (isReply(chat)) return chat;
      const text = formatText(params["text"], params["parse_mode"], params["entities"], "text");
      return isReply(text) ? text : settled(outgoing(chat, params, textFields(text, "text")));
    },
    editMessageText({ params }) {
      if (params["inline_message_id"] !== undefined) return ok(true); // inline messages are not tracked
      const chatId = num(params["chat_id"]);
      const messageId = num(params["message_id"]);
      const found =
        chatId === undefined || messageId === undefined ? undefined : conversations.find(chatId, messageId);
      if (found === undefined) return bad("message to edit not found");
      if (found.from?.id !== bot.id) return bad("message can't be edited");
      if (found.text === undefined) return bad("there is no text in the message to edit");
      const text = formatText(params["text"], params["parse_mode"], params["entities"], "text");
      if (isReply(text)) return text;
      const markup = inlineMarkup(params["reply_markup"]);
      const unchanged = found.text === text.text && same(found.entities, text.entities);
      if (unchanged && same(found.reply_markup, markup)) return bad(NOT_MODIFIED);
      const { entities: _entities, reply_markup: _markup, ...rest } = found;
      const edited = {
        ...rest,
        ...textFields(text, "text"),
        ...(markup !== undefined && { reply_markup: markup }),
        edit_date: now(),
      } as Message;
      conversations.remember(edited);
      return ok(edited);
    },
    deleteMessage({ params }) {
      const gone = conversations.forget(num(params["chat_id"]) ?? 0, num(params["message_id"]) ?? 0);
      return gone ? ok(true) : bad("message to delete not found");
    },
    sendChatAction({ params }) {
      const chat = chatOf(params);
      if (isReply(chat)) return chat;
      return CHAT_ACTIONS.has(String(params["action"])) ? ok(true) : bad("wrong parameter action in request");
    },
    sendPhoto: sendFile("photo", (_filename, size) => photoSizes(1280, 960, size)),
    sendDocument: sendFile("document", (filename = "document", size = 2048) => ({
      ...fileIds("document"),
      file_name: filename,
      mime_type: MIME[filename.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream",
      file_size: size,
    })),
  };
}

/** `text` + `entities`, or `caption` + `caption_entities` (an empty caption is left out). */
function textFields(parsed: ParsedHtml, kind: "text" | "caption"): Record<string, unknown> {
  if (parsed.text === "" && kind === "caption") return {};
  const entities =
    parsed.entities.length > 0
      ? { [kind === "text" ? "entities" : "caption_entities"]: parsed.entities }
      : {};
  return { [kind]: parsed.text, ...entities };
}
