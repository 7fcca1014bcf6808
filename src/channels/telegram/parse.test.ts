// Behaviour of the Telegram parser on Update JSON shaped like what Telegram really sends: built by the
// fake Bot API's update builders, plus hand-written captures for the kinds the builders do not make.
import type { Update, User } from "grammy/types";
import { beforeEach, describe, expect, it } from "vitest";
import { createFileStore } from "../../../test/fakes/telegram-files.ts";
import {
  buildMessageUpdate,
  createConversations,
  type MessageOptions,
} from "../../../test/fakes/telegram-updates.ts";
import type { InboundMessage } from "../../core/messages.ts";
import { parseTelegramUpdate, telegramCommand } from "./parse.ts";

const BOT_USER: User = { id: 7_123_456_789, is_bot: true, first_name: "Claw", username: "claw_test_bot" };
const BOT = { id: BOT_USER.id, username: "claw_test_bot" };
const GROUP = -4_000_000_001;
const FORUM = -1_001_987_654_321;

let fake: { message(options?: MessageOptions): Update };
beforeEach(() => {
  let updateId = 866_200_000;
  const source = {
    bot: BOT_USER,
    conversations: createConversations(),
    nextUpdateId: () => ++updateId,
    files: createFileStore(),
  };
  fake = { message: (options) => buildMessageUpdate(source, options) };
});

/** Parses and expects exactly one message. */
function parseOne(update: unknown, account?: string): InboundMessage {
  const parsed = parseTelegramUpdate(update, BOT, account);
  expect(parsed).toHaveLength(1);
  return parsed[0]!;
}

/** A message as Telegram sends it in a webhook body, with the common fields filled in. */
function captured(message: Record<string, unknown>, updateId = 866_201_234): unknown {
  return {
    update_id: updateId,
    message: {
      message_id: 4242,
      from: { id: 1001, is_bot: false, first_name: "Ada", username: "ada", language_code: "en" },
      chat: { id: GROUP, title: "Family", type: "group", all_members_are_administrators: true },
      date: 1_767_225_600,
      ...message,
    },
  };
}

describe("parseTelegramUpdate: direct messages", () => {
  it("turns a private text message into an addressed InboundMessage", () => {
    const update = fake.message({ text: "hello there", date: 1_767_225_600 });
    expect(parseOne(update, "work")).toEqual({
      id: String(update.update_id),
      channel: "telegram",
      account: "work",
      chat: { id: "1001", kind: "dm" },
      sender: { id: "1001", name: "Ada Lovelace" },
      text: "hello there",
      at: 1_767_225_600_000,
      addressed: true,
      messageId: String(update.message!.message_id),
    });
  });

  it("defaults the account and names a sender without a last name by the first name", () => {
    const update = fake.message({ text: "hi", from: { id: 2002, first_name: "Grace", username: "grace" } });
    const message = parseOne(update);
    expect(message.account).toBe("default");
    expect(message.sender).toEqual({ id: "2002", name: "Grace" });
  });

  it("keeps a leading mention of the bot in a DM (only groups strip it)", () => {
    expect(parseOne(fake.message({ text: "@claw_test_bot hi" })).text).toBe("@claw_test_bot hi");
  });

  it("passes fields it does not know about", () => {
    const update = captured({
      chat: { id: 1001, type: "private", first_name: "Ada" },
      text: "see https://example.com",
      entities: [{ offset: 4, length: 19, type: "url" }],
      link_preview_options: { is_disabled: true },
      some_future_field: { nested: [1, 2, 3] },
    });
    expect(parseOne(update).text).toBe("see https://example.com");
  });
});

describe("parseTelegramUpdate: groups", () => {
  it("strips a leading @mention of the bot (any case) and marks the message addressed", () => {
    const update = fake.message({ chatId: GROUP, text: "@Claw_Test_Bot what's the weather in Paris?" });
    const message = parseOne(update);
    expect(message.chat).toEqual({ id: String(GROUP), kind: "group", title: "Test Group" });
    expect(message.text).toBe("what's the weather in Paris?");
    expect(message.addressed).toBe(true);
  });

  it("keeps a mention in the middle of the text, and a bare mention with nothing after it", () => {
    const middle = parseOne(fake.message({ chatId: GROUP, text: "hey @claw_test_bot, look at this" }));
    expect(middle).toMatchObject({ text: "hey @claw_test_bot, look at this", addressed: true });
    const bare = parseOne(fake.message({ chatId: GROUP, text: "@claw_test_bot" }));
    expect(bare).toMatchObject({ text: "@claw_test_bot", addressed: true });
  });

  it("does not address the bot for plain chatter or a mention of someone else", () => {
    expect(parseOne(fake.message({ chatId: GROUP, text: "dinner at 8?" })).addressed).toBe(false);
    const other = parseOne(fake.message({ chatId: GROUP, text: "@other_helper_bot do it" }));
    expect(other).toMatchObject({ text: "@other_helper_bot do it", addressed: false });
  });

  it("does not take plain text that merely looks like the bot's name as a mention", () => {
    const update = fake.message({ chatId: GROUP, text: "@claw_test_bot is nice", entities: [] });
    expect(parseOne(update).addressed).toBe(false);
  });

  it("marks a reply to the bot as addressed, and a reply to a person as not", () => {
    const toBot = parseOne(fake.message({ chatId: GROUP, text: "and tomorrow?", replyToBot: true }));
    expect(toBot).toMatchObject({ text: "and tomorrow?", addressed: true });
    const toPerson = captured({
      text: "agreed",
      reply_to_message: {
        message_id: 4200,
        from: { id: 1002, is_bot: false, first_name: "Charles" },
        chat: { id: GROUP, title: "Family", type: "group" },
        date: 1_767_225_500,
        text: "pizza?",
      },
    });
    expect(parseOne(toPerson).addressed).toBe(false);
  });

  it("addresses /cmd@thisbot but not /cmd@otherbot", () => {
    const mine = parseOne(fake.message({ chatId: GROUP, text: "/new@claw_test_bot" }));
    expect(mine.addressed).toBe(true);
    expect(telegramCommand(mine, BOT.username)).toEqual({ name: "new", args: "" });
    const theirs = parseOne(fake.message({ chatId: GROUP, text: "/new@other_helper_bot" }));
    expect(theirs.addressed).toBe(false);
    expect(telegramCommand(theirs, BOT.username)).toBeNull();
  });

  it("maps a supergroup to a group and ignores chats that are neither", () => {
    const update = fake.message({ chatId: FORUM, chatType: "supergroup", text: "hi" });
    expect(parseOne(update).chat).toEqual({ id: String(FORUM), kind: "group", title: "Test Supergroup" });
    const channel = captured({ chat: { id: -1_001_555, type: "channel", title: "News" }, text: "hi" });
    expect(parseTelegramUpdate(channel, BOT)).toEqual([]);
  });
});

describe("parseTelegramUpdate: forum topics", () => {
  it("sets threadId for a message in a forum topic", () => {
    const update = fake.message({ chatId: FORUM, messageThreadId: 17, text: "@claw_test_bot plan the trip" });
    const message = parseOne(update);
    expect(message.chat).toEqual({
      id: String(FORUM),
      kind: "group",
      title: "Test Supergroup",
      threadId: "17",
    });
    expect(message.text).toBe("plan the trip");
  });

  it("leaves threadId out for a reply thread in a group that is not a forum", () => {
    const update = captured({
      chat: { id: FORUM, title: "Chat", type: "supergroup" },
      message_thread_id: 4100,
      text: "in a reply thread",
    });
    expect(parseOne(update).chat.threadId).toBeUndefined();
  });

  it("does not count the topic's creation message as a reply to the bot", () => {
    const update = captured({
      chat: { id: FORUM, title: "Trips", type: "supergroup", is_forum: true },
      message_thread_id: 17,
      is_topic_message: true,
      text: "anyone?",
      reply_to_message: {
        message_id: 17,
        from: BOT_USER,
        chat: { id: FORUM, title: "Trips", type: "supergroup", is_forum: true },
        date: 1_767_225_000,
        message_thread_id: 17,
        forum_topic_created: { name: "Trip to Rome", icon_color: 7322096 },
        is_topic_message: true,
      },
    });
    const message = parseOne(update);
    expect(message.chat.threadId).toBe("17");
    expect(message.addressed).toBe(false);
  });
});

describe("parseTelegramUpdate: attachments", () => {
  it("takes the largest of a photo's sizes and the caption as text", () => {
    const update = fake.message({ chatId: GROUP, text: "@claw_test_bot what is this?", photo: true });
    const sizes = update.message!.photo!;
    const message = parseOne(update);
    expect(message.text).toBe("what is this?");
    expect(message.addressed).toBe(true);
    expect(message.attachments).toEqual([
      { kind: "image", fileId: sizes[2]!.file_id, mediaType: "image/jpeg", size: sizes[2]!.file_size },
    ]);
  });

  it("picks the largest photo size whatever order the sizes come in", () => {
    const update = captured({
      photo: [
        { file_id: "mid", file_unique_id: "u2", width: 320, height: 240, file_size: 9000 },
        { file_id: "big", file_unique_id: "u3", width: 1280, height: 960 },
        { file_id: "thumb", file_unique_id: "u1", width: 90, height: 67, file_size: 1200 },
      ],
    });
    const message = parseOne(update);
    expect(message.text).toBe("");
    expect(message.attachments).toEqual([{ kind: "image", fileId: "big", mediaType: "image/jpeg" }]);
  });

  it("treats an image sent as a document as an image, and a PDF as a document", () => {
    const png = fake.message({
      document: { fileName: "chart.png", mimeType: "image/png", fileSize: 51_200 },
    });
    expect(parseOne(png).attachments).toEqual([
      {
        kind: "image",
        fileId: png.message!.document!.file_id,
        name: "chart.png",
        mediaType: "image/png",
        size: 51_200,
      },
    ]);
    const pdf = fake.message({
      text: "summarise please",
      document: { fileName: "invoice.pdf", mimeType: "application/pdf", fileSize: 88_000 },
    });
    const message = parseOne(pdf);
    expect(message.text).toBe("summarise please");
    expect(message.attachments).toEqual([
      {
        kind: "document",
        fileId: pdf.message!.document!.file_id,
        name: "invoice.pdf",
        mediaType: "application/pdf",
        size: 88_000,
      },
    ]);
  });

  it("reads a voice note and an audio file as audio", () => {
    const voice = fake.message({ voice: { duration: 4, fileSize: 16_000 } });
    const message = parseOne(voice);
    expect(message.text).toBe("");
    expect(message.attachments).toEqual([
      { kind: "audio", fileId: voice.message!.voice!.file_id, mediaType: "audio/ogg", size: 16_000 },
    ]);
    const audio = captured({
      audio: {
        file_id: "CQACAgIAAxkBAAIBZ2",
        file_unique_id: "AgADxx",
        duration: 215,
        performer: "Band",
        title: "Song",
        file_name: "song.mp3",
        mime_type: "audio/mpeg",
        file_size: 3_400_000,
      },
    });
    expect(parseOne(audio).attachments).toEqual([
      {
        kind: "audio",
        fileId: "CQACAgIAAxkBAAIBZ2",
        name: "song.mp3",
        mediaType: "audio/mpeg",
        size: 3_400_000,
      },
    ]);
  });

  it("defaults a voice note without a mime type to audio/ogg", () => {
    const update = captured({ voice: { file_id: "AwACAgIAAxkBAAIB", file_unique_id: "AgAD", duration: 2 } });
    expect(parseOne(update).attachments).toEqual([
      { kind: "audio", fileId: "AwACAgIAAxkBAAIB", mediaType: "audio/ogg" },
    ]);
  });
});

describe("parseTelegramUpdate: UTF-16 entity offsets", () => {
  // Telegram counts offsets in UTF-16 code units: 👋🏽 is 4 units, 🇫🇷 is 4, é is 1.
  it("finds a mention after emoji at Telegram's UTF-16 offset", () => {
    const text = "👋🏽🇫🇷 café @claw_test_bot help";
    const offset = text.indexOf("@");
    expect(offset).toBe(14); // code points would say 10
    const update = captured({ text, entities: [{ offset, length: 14, type: "mention" }] });
    expect(parseOne(update)).toMatchObject({ text, addressed: true });
  });

  it("strips a leading mention followed by emoji, keeping the emoji intact", () => {
    const update = fake.message({ chatId: GROUP, text: "@claw_test_bot 🎉🎂 plan the party" });
    expect(update.message!.entities).toEqual([{ type: "mention", offset: 0, length: 14 }]);
    expect(parseOne(update).text).toBe("🎉🎂 plan the party");
  });

  it("reads caption entities for a captioned photo with emoji", () => {
    const caption = "📷 for @claw_test_bot";
    const update = captured({
      photo: [{ file_id: "p", file_unique_id: "u", width: 800, height: 600, file_size: 50_000 }],
      caption,
      caption_entities: [{ offset: 7, length: 14, type: "mention" }],
    });
    expect(parseOne(update)).toMatchObject({ text: caption, addressed: true });
  });
});

describe("parseTelegramUpdate: ignored updates", () => {
  it("ignores messages from bots and automatic channel forwards", () => {
    const fromBot = fake.message({
      chatId: GROUP,
      text: "I am a bot",
      from: { id: 5555, is_bot: true, first_name: "Other", username: "other_helper_bot" },
    });
    expect(parseTelegramUpdate(fromBot, BOT)).toEqual([]);
    const forward = captured({
      from: { id: 777000, is_bot: false, first_name: "Telegram" },
      is_automatic_forward: true,
      text: "channel post",
    });
    expect(parseTelegramUpdate(forward, BOT)).toEqual([]);
  });

  it("ignores service messages", () => {
    const joined = captured({
      new_chat_members: [{ id: 1003, is_bot: false, first_name: "Alan" }],
      new_chat_participant: { id: 1003, is_bot: false, first_name: "Alan" },
      new_chat_member: { id: 1003, is_bot: false, first_name: "Alan" },
    });
    expect(parseTelegramUpdate(joined, BOT)).toEqual([]);
    expect(parseTelegramUpdate(captured({ pinned_message: { message_id: 1, date: 1 } }), BOT)).toEqual([]);
  });

  it("ignores edited messages, channel posts and callback queries", () => {
    const { message } = captured({ text: "fixed typo", edit_date: 1_767_225_700 }) as { message: unknown };
    expect(parseTelegramUpdate({ update_id: 1, edited_message: message }, BOT)).toEqual([]);
    const post = { message_id: 9, sender_chat: { id: -1_001_555, type: "channel" }, date: 1, text: "news" };
    expect(
      parseTelegramUpdate({ update_id: 2, channel_post: { ...post, chat: post.sender_chat } }, BOT),
    ).toEqual([]);
    const callback = {
      update_id: 3,
      callback_query: {
        id: "4382bfdwdsb323b2d9",
        from: { id: 1001, is_bot: false, first_name: "Ada" },
        chat_instance: "-8823",
        data: "approve:1",
      },
    };
    expect(parseTelegramUpdate(callback, BOT)).toEqual([]);
  });

  it("returns [] for bodies that are not updates, without throwing", () => {
    const bodies: unknown[] = [
      null,
      undefined,
      "x",
      42,
      [],
      {},
      { update_id: "nope" },
      { update_id: 1.5, message: {} },
      { update_id: 1, message: "text" },
      { update_id: 1, message: { message_id: 1, chat: { id: 1, type: "private" }, date: 1, text: 5 } },
      captured({ text: "hi", entities: [{ type: "mention" }] }),
      captured({ photo: "not-an-array" }),
    ];
    for (const body of bodies) expect(parseTelegramUpdate(body, BOT), JSON.stringify(body)).toEqual([]);
  });
});

describe("telegramCommand", () => {
  const inbound = (text: string) => parseOne(fake.message({ text }));

  it("recognises the assistant's commands, with or without the bot's name", () => {
    for (const name of ["new", "reset", "status", "help", "start"]) {
      expect(telegramCommand(inbound(`/${name}`), BOT.username)).toEqual({ name, args: "" });
    }
    expect(telegramCommand(inbound("/status@Claw_Test_Bot"), BOT.username)).toEqual({
      name: "status",
      args: "",
    });
  });

  it("returns the arguments after the command, trimmed, and lower-cases the name", () => {
    expect(telegramCommand(inbound("/START  deep-link-payload "), BOT.username)).toEqual({
      name: "start",
      args: "deep-link-payload",
    });
    expect(telegramCommand(inbound("/new@claw_test_bot\nfresh start"), BOT.username)).toEqual({
      name: "new",
      args: "fresh start",
    });
  });

  it("returns unknown commands too, for the caller to decide", () => {
    expect(telegramCommand(inbound("/weather Paris"), BOT.username)).toEqual({
      name: "weather",
      args: "Paris",
    });
  });

  it("returns null for text that is not a command or a command for another bot", () => {
    for (const text of ["hello /new", "/", "/etc/passwd is odd", "new", "/help@other_helper_bot"]) {
      expect(telegramCommand(inbound(text), BOT.username), text).toBeNull();
    }
  });

  it("reads a command after a stripped leading mention in a group", () => {
    const message = parseOne(fake.message({ chatId: GROUP, text: "@claw_test_bot /reset" }));
    expect(telegramCommand(message, BOT.username)).toEqual({ name: "reset", args: "" });
  });
});
