// Sends replies to Telegram through grammY's Api: HTML pieces with a plain-text fallback, one 429
// limiter per bot token, retries of 5xx and network failures, and a preview that streams by editing.
import { GrammyError, InputFile } from "grammy";
import type { OutgoingFile } from "../../tools/tool.ts";
import { createBotApi } from "./bot-api.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ChannelOutbound, DeliveryTarget } from "../channel.ts";
import { formatTelegramReply, type TelegramPiece } from "./format.ts";
import {
  callWithinLimits,
  describeError,
  isTransient,
  rateLimiterFor,
  TelegramApiError,
} from "./rate-limiter.ts";

export { TelegramApiError } from "./rate-limiter.ts";

export type TelegramLog = (level: "debug" | "info" | "warn" | "error", message: string) => void;

export interface TelegramOutboundOptions {
  token: string;
  /** The Bot API root without a trailing slash, e.g. "https://api.telegram.org". */
  apiRoot: string;
  clock: Clock;
  log?: TelegramLog;
}

/** One reply streamed into a single message that is edited as the text grows. */
export interface PreviewStream {
  /** Contract: never throws or waits; the latest text wins, shown as plain text with a trailing " …". */
  update(text: string): void;
  /**
   * Contract: waits for an edit in flight, then shows the final text formatted (editing the preview,
   * sending any further pieces) and resolves with the ids of the messages holding it, in order.
   */
  finish(finalMarkdown: string): Promise<string[]>;
  /** Contract: stops the stream and deletes the preview if one was sent; never throws. */
  cancel(): Promise<void>;
}

/** The Telegram outbound: the channel's three calls plus a streaming preview. */
export interface TelegramOutbound extends Required<ChannelOutbound> {
  /** Contract: makes no call until the first update long enough to show, or finish. */
  preview(target: DeliveryTarget): PreviewStream;
  /** Contract: sends one file (a photo when Telegram can show it, else a document); resolves its message id. */
  sendFile(target: DeliveryTarget, file: OutgoingFile): Promise<string>;
  /**
   * Contract: sends plain text (one message) with one row of inline buttons; resolves its message id.
   * Editing the message later with `edit` removes the buttons.
   */
  sendButtons(target: DeliveryTarget, text: string, buttons: InlineButton[]): Promise<string>;
  /** Contract: answers a button press (stops its spinner), with a short notice when `text` is given. */
  answerCallback(queryId: string, text?: string): Promise<void>;
}

/** An inline button: its label and the callback_data Telegram sends back when it is pressed (≤ 64 bytes). */
export interface InlineButton {
  text: string;
  data: string;
}

/** Image types Telegram shows as photos, and its size limit for those. */
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

const PARSE_ERROR = /can't parse entities|unsupported start tag|unexpected end tag/i;
const NOT_MODIFIED = /message is not modified/i;
const PREVIEW_MIN_CHARS = 20;
const PREVIEW_EVERY_MS = 1500;
const TYPING_EVERY_MS = 4000;
const MAX_TEXT = 4096;
const ELLIPSIS = " …";

/** Contract: makes no call while building; every call goes through the limiter shared by this token. */
export function createTelegramOutbound(options: TelegramOutboundOptions): TelegramOutbound {
  const { clock } = options;
  const log: TelegramLog = options.log ?? (() => {});
  const api = createBotApi(options.token, options.apiRoot);
  const limiter = rateLimiterFor(options.token, clock);

  const call = <T>(method: string, target: DeliveryTarget, run: () => Promise<T>) =>
    callWithinLimits({ limiter, clock, log, method, chatId: target.chatId, run });

  // Numeric ids go as numbers, as Telegram documents them ("@channel" names stay strings).
  const chat = (target: DeliveryTarget) =>
    /^-?\d+$/.test(target.chatId) ? Number(target.chatId) : target.chatId;
  const thread = (target: DeliveryTarget) =>
    target.threadId === undefined ? {} : { message_thread_id: Number(target.threadId) };

  /** Sends text as HTML or plain; the first message of a reply quotes the message it answers. */
  async function sendText(target: DeliveryTarget, text: string, html: boolean, first: boolean) {
    const reply = first && target.replyToMessageId !== undefined;
    const other = {
      ...thread(target),
      link_preview_options: { is_disabled: true },
      ...(html && { parse_mode: "HTML" as const }),
      ...(reply && {
        reply_parameters: { message_id: Number(target.replyToMessageId), allow_sending_without_reply: true },
      }),
    };
    const sent = await call("sendMessage", target, () => api.sendMessage(chat(target), text, other));
    return String(sent.message_id);
  }

  /** Edits a message's text; "message is not modified" counts as done. */
  async function editText(target: DeliveryTarget, messageId: string, text: string, html: boolean) {
    const other = {
      link_preview_options: { is_disabled: true },
      ...(html && { parse_mode: "HTML" as const }),
    };
    try {
      await call("editMessageText", target, () =>
        api.editMessageText(chat(target), Number(messageId), text, other),
      );
    } catch (error) {
      if (!(error instanceof TelegramApiError && NOT_MODIFIED.test(error.description))) throw error;
    }
  }

  /** Runs an HTML attempt, and the plain one when Telegram cannot parse the HTML. */
  async function withPlainFallback<T>(html: () => Promise<T>, plain: () => Promise<T>): Promise<T> {
    try {
      return await html();
    } catch (error) {
      if (!isParseError(error)) throw error;
      log("warn", `HTML refused (${error.description}); using plain text`);
      return plain();
    }
  }

  const sendPiece = (target: DeliveryTarget, piece: TelegramPiece, first: boolean) =>
    withPlainFallback(
      () => sendText(target, piece.html, true, first),
      () => sendText(target, piece.plain, false, first),
    );
  const editPiece = (target: DeliveryTarget, messageId: string, piece: TelegramPiece) =>
    withPlainFallback(
      () => editText(target, messageId, piece.html, true),
      () => editText(target, messageId, piece.plain, false),
    );

  const outbound: TelegramOutbound = {
    async send(target, markdown) {
      const ids: string[] = [];
      for (const piece of formatTelegramReply(markdown))
        ids.push(await sendPiece(target, piece, ids.length === 0));
      return ids;
    },
    async edit(target, messageId, markdown) {
      // A preview is one message, so an edit shows only what fits in one.
      const piece = formatTelegramReply(markdown, MAX_TEXT)[0];
      if (piece === undefined)
        throw new RangeError("telegram: cannot edit a message to text that shows nothing");
      await editPiece(target, messageId, piece);
    },
    async typing(target) {
      // During flood control a typing hint would only spend a slot a real message needs.
      if (limiter.pausedFor() > 0) return log("debug", "typing skipped during flood control");
      try {
        await limiter.acquire();
        await api.sendChatAction(chat(target), "typing", thread(target));
      } catch (error) {
        const flood = error instanceof GrammyError && error.error_code === 429;
        if (flood) limiter.pause((error.parameters.retry_after ?? 1) * 1000);
        const level = flood || isTransient(error) ? "debug" : "warn";
        log(level, `typing in chat ${target.chatId} failed: ${describeError(error)}`);
      }
    },
    async sendFile(target, file) {
      // Images Telegram can show arrive as photos; anything else (and big images) as a document.
      const asPhoto = PHOTO_TYPES.has(file.mediaType) && file.bytes.byteLength <= MAX_PHOTO_BYTES;
      const upload = new InputFile(file.bytes, file.name);
      const other = { ...thread(target), ...(file.caption && { caption: file.caption.slice(0, 1024) }) };
      const sent = asPhoto
        ? await call("sendPhoto", target, () => api.sendPhoto(chat(target), upload, other))
        : await call("sendDocument", target, () => api.sendDocument(chat(target), upload, other));
      return String(sent.message_id);
    },
    async sendButtons(target, text, buttons) {
      const other = {
        ...thread(target),
        reply_markup: { inline_keyboard: [buttons.map((b) => ({ text: b.text, callback_data: b.data }))] },
      };
      const sent = await call("sendMessage", target, () => api.sendMessage(chat(target), text, other));
      return String(sent.message_id);
    },
    async answerCallback(queryId, text) {
      // Not a message in a chat: only the overall budget applies (each query is its own "chat").
      await call("answerCallbackQuery", { chatId: `callback:${queryId}` }, () =>
        api.answerCallbackQuery(queryId, text === undefined ? {} : { text: text.slice(0, 200) }),
      );
    },
    preview: (target) => createPreview(target),
  };

  function createPreview(target: DeliveryTarget): PreviewStream {
    let latest = "";
    let shown: string | undefined; // the text on screen
    let id: string | undefined;
    let lastAt = -Infinity;
    let broken = false; // a preview call failed: stop streaming; finish sends the reply afresh
    let closed = false;
    let running = false;
    let pump = Promise.resolve();
    const wake = new AbortController();

    // One pump at a time; `running` flips in the same tick as the pump's decision to stop, so an update
    // can never slip in between and be left unshown.
    const run = async () => {
      try {
        for (;;) {
          const text = previewText(latest);
          if (closed || broken || text === shown) return;
          if (id === undefined && latest.trim().length < PREVIEW_MIN_CHARS) return;
          const wait = lastAt + PREVIEW_EVERY_MS - clock.now();
          if (wait > 0) {
            await clock.sleep(wait, wake.signal).catch(() => {});
            continue;
          }
          try {
            if (id === undefined) id = await sendText(target, text, false, true);
            else await editText(target, id, text, false);
            shown = text;
          } catch (error) {
            broken = true;
            log("warn", `preview in chat ${target.chatId} stopped: ${describeError(error)}`);
          }
          lastAt = clock.now();
        }
      } finally {
        running = false;
      }
    };
    const stop = async () => {
      closed = true;
      wake.abort();
      await pump;
    };
    const remove = async () => {
      if (id === undefined) return;
      const messageId = Number(id);
      id = undefined;
      await call("deleteMessage", target, () => api.deleteMessage(chat(target), messageId)).catch((error) =>
        log("warn", `could not delete the preview: ${describeError(error)}`),
      );
    };

    return {
      update(text) {
        latest = text;
        if (running || closed) return;
        running = true;
        pump = run();
      },
      async finish(finalMarkdown) {
        await stop();
        const pieces = formatTelegramReply(finalMarkdown, MAX_TEXT);
        if (broken || pieces.length === 0) await remove();
        if (id === undefined) return outbound.send(target, finalMarkdown);
        const ids = [id];
        try {
          await editPiece(target, id, pieces[0]!);
        } catch (error) {
          log("warn", `final edit of the preview failed (${describeError(error)}); sending afresh`);
          await remove();
          return outbound.send(target, finalMarkdown);
        }
        for (const piece of pieces.slice(1)) ids.push(await sendPiece(target, piece, false));
        return ids;
      },
      async cancel() {
        await stop();
        await remove();
      },
    };
  }

  return outbound;
}

/**
 * Shows "typing…" now and every 4 s (Telegram clears it after 5 s) until the returned stop is called.
 * Contract: never throws; stop is idempotent and no typing call starts after it.
 */
export function startTyping(outbound: ChannelOutbound, target: DeliveryTarget, clock: Clock): () => void {
  const typing = outbound.typing?.bind(outbound);
  if (typing === undefined) return () => {};
  const stop = new AbortController();
  void (async () => {
    while (!stop.signal.aborted) {
      const started = clock.now();
      await typing(target).catch(() => {});
      if (stop.signal.aborted) return;
      await clock.sleep(Math.max(0, started + TYPING_EVERY_MS - clock.now()), stop.signal).catch(() => {});
    }
  })();
  return () => stop.abort();
}

/** Partial Markdown as plain text that fits one message, marked as still being written. */
function previewText(text: string): string {
  let body = text.trim();
  const room = MAX_TEXT - ELLIPSIS.length;
  if (body.length > room) {
    // Never cut a surrogate pair in half.
    const end = /[\uD800-\uDBFF]/.test(body[room - 1]!) ? room - 1 : room;
    body = body.slice(0, end);
  }
  return body + ELLIPSIS;
}

function isParseError(error: unknown): error is TelegramApiError {
  return error instanceof TelegramApiError && error.code === 400 && PARSE_ERROR.test(error.description);
}
