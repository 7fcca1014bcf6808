// Drives the fake Telegram Bot API with the real grammY client (1.46): API calls and Telegram's
// error bodies, uploads, long polling with bot.start/stop, webhooks with webhookCallback, and the
// test handles (update builders, waitFor, failNext, stallGetUpdates). Doubles as a grammY reference.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, GrammyError, HttpError, InputFile, webhookCallback } from "grammy";
import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "./telegram-bot-api.ts";

let fake: TelegramFake;
const ADA_ID = 1001;

beforeEach(async () => {
  fake = await startTelegramFake();
});
afterEach(() => fake.close());

/** A grammY bot on the fake; `botInfo` spares the getMe call `bot.init()` would make. */
const makeBot = () => new Bot(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.url } });

/** The GrammyError a call rejects with (Telegram's `{ ok: false }` body, parsed by grammY). */
async function rejection(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe("Bot API methods through grammY's client", () => {
  it("answers getMe and sends messages with message ids counted per chat", async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.url } });
    await bot.init();

    const first = await bot.api.sendMessage(42, "hello");
    const second = await bot.api.sendMessage(42, "again");
    const elsewhere = await bot.api.sendMessage(-1001234567890, "hi group");

    expect(bot.botInfo).toMatchObject({ id: 123456789, is_bot: true, username: "claw_test_bot" });
    expect(first).toMatchObject({
      message_id: 1,
      from: { id: 123456789, is_bot: true, username: "claw_test_bot" },
      chat: { id: 42, type: "private" },
      text: "hello",
    });
    expect(Math.abs(first.date - Date.now() / 1000)).toBeLessThan(5);
    expect(second.message_id).toBe(2);
    expect(elsewhere).toMatchObject({ message_id: 1, chat: { id: -1001234567890, type: "supergroup" } });
    expect(fake.sent.map((call) => call.method)).toEqual([
      "getMe",
      "sendMessage",
      "sendMessage",
      "sendMessage",
    ]);
    expect(fake.sent[1]?.params).toEqual({ chat_id: 42, text: "hello" });
  });

  it("parses HTML into entities and rejects the markup Telegram rejects", async () => {
    const bot = makeBot();
    const html =
      '<b>bold</b> &lt;3 <a href="example.com">link</a> <pre><code class="language-ts">x</code></pre>';

    const sent = await bot.api.sendMessage(1, html, { parse_mode: "HTML" });

    expect(sent.text).toBe("bold <3 link x");
    expect(sent.entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "text_link", offset: 8, length: 4, url: "http://example.com/" },
      { type: "pre", offset: 13, length: 1, language: "ts" },
    ]);
    const refused: [string, string][] = [
      ["<b>open", `Can't find end tag corresponding to start tag "b"`],
      ["<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'],
      ["x</b>", "Unexpected end tag at byte offset 1"],
      ["é <div>x</div>", 'Unsupported start tag "div" at byte offset 3'], // offsets count UTF-8 bytes
      ["1 < 2", 'Unsupported start tag "" at byte offset 2'],
      ["<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ];
    for (const [markup, reason] of refused) {
      const error = await rejection(bot.api.sendMessage(1, markup, { parse_mode: "HTML" }));
      expect(error).toMatchObject({
        error_code: 400,
        description: `Bad Request: can't parse entities: ${reason}`,
      });
    }
  });

  it("checks empty and too-long text after entity parsing", async () => {
    const bot = makeBot();

    const fits = await bot.api.sendMessage(1, `<b>${"a".repeat(4096)}</b>`, { parse_mode: "HTML" });

    expect(fits.text).toHaveLength(4096);
    expect(await rejection(bot.api.sendMessage(1, "a".repeat(4097)))).toMatchObject({
      error_code: 400,
      description: "Bad Request: message is too long",
    });
    for (const empty of [
      bot.api.sendMessage(1, ""),
      bot.api.sendMessage(1, "<b> </b>", { parse_mode: "HTML" }),
    ]) {
      expect((await rejection(empty)).description).toBe("Bad Request: message text is empty");
    }
  });

  it("edits, replies to and deletes messages with Telegram's errors", async () => {
    const bot = makeBot();
    const draft = await bot.api.sendMessage(7, "draft");

    const edited = (await bot.api.editMessageText(7, draft.message_id, "final")) as Message;
    const unchanged = await rejection(bot.api.editMessageText(7, draft.message_id, "final"));
    const missing = await rejection(bot.api.editMessageText(7, 999, "x"));
    const reply = await bot.api.sendMessage(7, "see above", {
      reply_parameters: { message_id: draft.message_id },
    });
    const orphan = await rejection(bot.api.sendMessage(7, "?", { reply_parameters: { message_id: 999 } }));

    expect(edited).toMatchObject({
      message_id: draft.message_id,
      text: "final",
      edit_date: expect.any(Number),
    });
    expect(unchanged.description).toMatch(
      /^Bad Request: message is not modified: specified new message content/,
    );
    expect(missing.description).toBe("Bad Request: message to edit not found");
    expect(reply.reply_to_message).toMatchObject({ message_id: draft.message_id, text: "final" });
    expect(orphan.description).toBe("Bad Request: message to be replied not found");
    expect(await bot.api.deleteMessage(7, draft.message_id)).toBe(true);
    expect((await rejection(bot.api.deleteMessage(7, draft.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
  });

  it("accepts known chat actions only", async () => {
    const bot = makeBot();

    expect(await bot.api.sendChatAction(7, "typing", { message_thread_id: 3 })).toBe(true);
    expect((await rejection(bot.api.sendChatAction(7, "dancing" as "typing"))).description).toBe(
      "Bad Request: wrong parameter action in request",
    );
  });

  it("records multipart uploads from sendPhoto and sendDocument", async () => {
    const bot = makeBot();

    const photo = await bot.api.sendPhoto(7, new InputFile(new Uint8Array(3000)), {
      caption: "<i>look</i>",
      parse_mode: "HTML",
    });
    const document = await bot.api.sendDocument(7, new InputFile(Buffer.from("hello notes"), "notes.txt"));

    expect(photo.photo).toHaveLength(3);
    expect(photo).toMatchObject({
      caption: "look",
      caption_entities: [{ type: "italic", offset: 0, length: 4 }],
    });
    expect(document.document).toMatchObject({
      file_name: "notes.txt",
      mime_type: "text/plain",
      file_size: 11,
    });
    const [photoCall, documentCall] = fake.sent;
    // grammY uploads as multipart: `photo: "attach://<id>"` plus a file part named <id>.
    expect(photoCall?.params).toMatchObject({ chat_id: 7, caption: "<i>look</i>", parse_mode: "HTML" });
    expect(photoCall?.params["photo"]).toMatch(/^attach:\/\//);
    expect(photoCall?.files).toEqual([
      {
        field: "photo",
        part: expect.any(String),
        filename: "photo.jpg", // grammY's default name for nameless bytes
        contentType: "application/octet-stream",
        size: 3000,
      },
    ]);
    expect(documentCall?.files[0]).toMatchObject({ field: "document", filename: "notes.txt", size: 11 });
    expect((await rejection(bot.api.sendPhoto(7, ""))).description).toBe(
      "Bad Request: there is no photo in the request",
    );
  });

  it("speaks the raw wire: form bodies, a wrong token and an unknown method", async () => {
    const form = await fetch(`${fake.url}/bot${fake.token}/sendMessage`, {
      method: "POST",
      body: new URLSearchParams({ chat_id: "5", text: "123" }),
    });
    const wrongToken = await fetch(`${fake.url}/bot1:wrong/getMe`);
    const unknown = await fetch(`${fake.url}/bot${fake.token}/sendTelepathy`, { method: "POST" });
    const stranger = new Bot("1:wrong", { client: { apiRoot: fake.url } });

    expect(await form.json()).toMatchObject({ ok: true, result: { chat: { id: 5 }, text: "123" } });
    expect(fake.sent[0]?.params).toEqual({ chat_id: 5, text: "123" }); // ids coerced, text kept a string
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    expect(await rejection(stranger.api.getMe())).toMatchObject({
      error_code: 401,
      description: "Unauthorized",
    });
  });

  it("scripts failures: a 429 surfaces as GrammyError with parameters.retry_after", async () => {
    const bot = makeBot();
    fake.failNext("sendMessage", { status: 429, retryAfter: 7 });
    fake.failNext("sendMessage", { status: 403, description: "Forbidden: bot was blocked by the user" });
    fake.failNext("sendMessage", { status: 500 }, 2);

    const limited = await rejection(bot.api.sendMessage(1, "a"));
    const blocked = await rejection(bot.api.sendMessage(1, "b"));
    const broken = [
      await rejection(bot.api.sendMessage(1, "c")),
      await rejection(bot.api.sendMessage(1, "d")),
    ];
    const fine = await bot.api.sendMessage(1, "e");

    expect(limited).toMatchObject({
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    expect(blocked).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(broken.map((e) => [e.error_code, e.description])).toEqual([
      [500, "Internal Server Error"],
      [500, "Internal Server Error"],
    ]);
    expect(fine.message_id).toBe(1); // failed calls send nothing
    expect(fake.sent).toHaveLength(5); // but every attempt is recorded
  });

  it("sends inline buttons and answers each button press once, as Telegram does", async () => {
    const bot = makeBot();
    const keyboard = { inline_keyboard: [[{ text: "Yes", callback_data: "y" }]] };
    const sent = await bot.api.sendMessage(ADA_ID, "Sure?", { reply_markup: keyboard });
    expect(sent.reply_markup).toEqual(keyboard);
    const update = fake.buttonPress({ chatId: ADA_ID, messageId: sent.message_id, data: "y" });
    expect(update.callback_query).toMatchObject({
      from: { id: ADA_ID },
      data: "y",
      message: { text: "Sure?" },
    });
    const id = update.callback_query!.id;
    expect(await bot.api.answerCallbackQuery(id, { text: "Done" })).toBe(true);
    const again = await rejection(bot.api.answerCallbackQuery(id));
    expect(again.description).toMatch(/query is too old .* or query ID is invalid/);
    expect((await rejection(bot.api.answerCallbackQuery("123"))).error_code).toBe(400);
  });

  it("keeps bot commands per scope", async () => {
    const bot = makeBot();
    const everyone = [
      { command: "start", description: "Start" },
      { command: "reset", description: "New session" },
    ];

    await bot.api.setMyCommands(everyone);
    await bot.api.setMyCommands([{ command: "admin", description: "Admin" }], {
      scope: { type: "all_group_chats" },
    });

    expect(await bot.api.getMyCommands()).toEqual(everyone);
    expect(await bot.api.getMyCommands({ scope: { type: "all_group_chats" } })).toEqual([
      { command: "admin", description: "Admin" },
    ]);
    expect(
      (await rejection(bot.api.setMyCommands([{ command: "Bad-Name", description: "x" }]))).description,
    ).toBe("Bad Request: BOT_COMMAND_INVALID");
  });
});

it("serves attached files through getFile and /file/bot<token>/<file_path>", async () => {
  const bot = makeBot();
  const download = async (filePath: string, token = fake.token) => {
    const response = await fetch(`${fake.url}/file/bot${token}/${filePath}`);
    return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
  };
  const photo = fake.message({ photo: true }).message!.photo!.at(-1)!;
  const file = await bot.api.getFile(photo.file_id);
  expect(file).toMatchObject({ file_id: photo.file_id, file_unique_id: photo.file_unique_id });
  expect(file.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
  const image = await download(file.file_path!);
  expect(image.status).toBe(200);
  expect(image.bytes.length).toBe(file.file_size);
  expect([...image.bytes.subarray(1, 4)]).toEqual([...Buffer.from("PNG")]);
  expect((await download(file.file_path!, "1:wrong")).status).toBe(401);
  expect((await download("photos/file_999.jpg")).status).toBe(404);

  const document = fake.message({ document: { fileName: "notes.txt" } }).message!.document!;
  const docFile = await bot.api.getFile(document.file_id);
  expect(docFile.file_path).toMatch(/^documents\/file_\d+\.txt$/);
  expect(Buffer.from((await download(docFile.file_path!)).bytes).toString()).toContain("notes.txt");

  fake.setFile(document.file_id, Buffer.from("new contents"));
  expect(Buffer.from((await download(docFile.file_path!)).bytes).toString()).toBe("new contents");
  const voice = fake.message({ voice: { duration: 3 } }).message!.voice!;
  expect((await bot.api.getFile(voice.file_id)).file_path).toMatch(/^voice\/file_\d+\.oga$/);

  expect((await rejection(bot.api.getFile("no-such-file"))).description).toBe("Bad Request: invalid file_id");
  fake.setFile("big-file", Buffer.from("x"), { fileSize: 21 * 1024 * 1024 });
  expect((await rejection(bot.api.getFile("big-file"))).description).toBe("Bad Request: file is too big");
  fake.setFile("unsized", Buffer.from("abc"), { fileSize: null });
  expect(await bot.api.getFile("unsized")).not.toHaveProperty("file_size");
});

describe("long polling", () => {
  it("bot.start deletes the webhook, gets a pushed update at once, and bot.stop confirms it", async () => {
    const bot = makeBot();
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await bot.api.setWebhook("https://bot.example.com/hook");
    let onStart = () => {};
    const started = new Promise<void>((resolve) => (onStart = resolve));

    const polling = bot.start({ onStart });
    await started;
    const update = fake.message({ chatId: 42, text: "hello" });
    fake.pushUpdate(update);
    const [reply] = await fake.waitFor("sendMessage");
    await bot.stop();
    await polling;

    expect(reply?.params).toMatchObject({ chat_id: 42, text: "echo: hello" });
    expect(fake.webhook).toBeUndefined(); // bot.start always calls deleteWebhook first
    const polls = fake.sent.filter((call) => call.method === "getUpdates");
    expect(polls[0]?.params).toEqual({ offset: 1, timeout: 30, allowed_updates: [] }); // grammY's defaults
    expect(polls.at(-1)?.params).toEqual({ offset: update.update_id + 1, limit: 1 }); // stop() confirms
    expect(fake.pending).toEqual([]);
  });

  it("honours timeout, limit, offset and allowed_updates, and ends a displaced poll with 409", async () => {
    const bot = makeBot();
    const began = performance.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(performance.now() - began).toBeGreaterThanOrEqual(950);

    const ids = ["a", "b", "c"].map((text) => {
      const update = fake.message({ text });
      fake.pushUpdate(update);
      return update.update_id;
    });
    expect((await bot.api.getUpdates({ limit: 2 })).map((u) => u.update_id)).toEqual(ids.slice(0, 2));
    expect((await bot.api.getUpdates({ offset: ids[1]! + 1 })).map((u) => u.update_id)).toEqual([ids[2]]);
    expect(fake.pending.map((u) => u.update_id)).toEqual([ids[2]]);

    // allowed_updates sticks until changed; kinds outside it are dropped, never delivered.
    expect(await bot.api.getUpdates({ offset: ids[2]! + 1, allowed_updates: ["callback_query"] })).toEqual(
      [],
    );
    fake.pushUpdate(fake.message({ text: "not wanted" }));
    expect(await bot.api.getUpdates()).toEqual([]);
    expect(fake.pending).toEqual([]);

    const first = rejection(bot.api.getUpdates({ timeout: 5, allowed_updates: [] }));
    await fake.waitFor((call) => call.method === "getUpdates" && call.params["timeout"] === 5);
    const second = bot.api.getUpdates({ timeout: 5 });
    expect(await first).toMatchObject({
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    await fake.waitFor((call) => call.method === "getUpdates" && call.params["timeout"] === 5, 2000, 2);
    fake.pushUpdate(fake.message({ text: "now" }));
    expect((await second).map((u) => u.message?.text)).toEqual(["now"]);
  });

  it("stallGetUpdates leaves polls unanswered until it is turned off", async () => {
    const bot = makeBot();
    fake.stallGetUpdates(true);
    fake.pushUpdate(fake.message({ text: "stuck" }));

    // grammY types `signal` with the abort-controller polyfill; a native AbortSignal works at runtime.
    const signal = AbortSignal.timeout(150) as Parameters<typeof bot.api.getUpdates>[1];
    const hung = await bot.api.getUpdates({ timeout: 0 }, signal).catch((e: unknown) => e);
    const waiting = bot.api.getUpdates({ timeout: 0 });
    await fake.waitFor("getUpdates", 2000, 2);
    fake.stallGetUpdates(false);

    expect(hung).toBeInstanceOf(HttpError); // what a stall watchdog's abort looks like in grammY
    expect((await waiting).map((u) => u.message?.text)).toEqual(["stuck"]);
  });
});

describe("webhooks", () => {
  it("sets, reports and deletes a webhook; getUpdates conflicts while it is set", async () => {
    const bot = makeBot();
    const url = "https://bot.example.com/telegram";
    fake.pushUpdate(fake.message({ text: "old" }));

    await bot.api.setWebhook(url, {
      secret_token: "s3cret_token-1",
      allowed_updates: ["message", "callback_query"],
      drop_pending_updates: true,
    });

    expect(fake.webhook).toEqual({
      url,
      secretToken: "s3cret_token-1",
      allowedUpdates: ["message", "callback_query"],
      maxConnections: 40,
    });
    expect(await bot.api.getWebhookInfo()).toEqual({
      url,
      has_custom_certificate: false,
      pending_update_count: 0,
      ip_address: "127.0.0.1",
      max_connections: 40,
      allowed_updates: ["message", "callback_query"],
    });
    expect(await rejection(bot.api.getUpdates())).toMatchObject({
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    expect((await rejection(bot.api.setWebhook(url, { secret_token: "has space" }))).description).toBe(
      "Bad Request: secret token contains unallowed characters",
    );
    expect(await bot.api.deleteWebhook()).toBe(true);
    expect(fake.webhook).toBeUndefined();
    expect(await bot.api.getWebhookInfo()).toEqual({
      url: "",
      has_custom_certificate: false,
      pending_update_count: 0,
    });
  });

  it("delivers postToWebhook to grammY's webhookCallback; a wrong secret gets 401", async () => {
    const bot = makeBot();
    bot.on("message:text", (ctx) => ctx.reply(`got ${ctx.message.text}`));
    const handle = webhookCallback(bot, "http", { secretToken: "right-secret" });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;

    try {
      await bot.api.setWebhook(url, { secret_token: "right-secret" });
      const delivered = await fake.postToWebhook(fake.message({ chatId: 9, text: "via webhook" }));
      const [reply] = await fake.waitFor("sendMessage");
      await bot.api.setWebhook(url, { secret_token: "wrong-secret" });
      const spoofed = await fake.postToWebhook(fake.message({ chatId: 9, text: "spoofed" }));

      expect(delivered).toBe(200);
      expect(reply?.params).toMatchObject({ chat_id: 9, text: "got via webhook" });
      expect(spoofed).toBe(401);
      expect(await bot.api.getWebhookInfo()).toMatchObject({
        last_error_message: "Wrong response from the webhook: 401 Unauthorized",
      });
      expect(fake.sent.filter((call) => call.method === "sendMessage")).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("runs a webhook reply (the method in the response body) like an API call", async () => {
    // canUseWebhookReply lets grammY answer the webhook request itself instead of calling the API.
    const bot = new Bot(fake.token, {
      botInfo: fake.botInfo,
      client: { apiRoot: fake.url, canUseWebhookReply: (method) => method === "sendMessage" },
    });
    bot.on("message:text", (ctx) => ctx.reply("inline answer"));
    const handle = webhookCallback(bot, "http");
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

    try {
      await bot.api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await fake.postToWebhook(fake.message({ chatId: 3, text: "hi" }))).toBe(200);
      const [reply] = await fake.waitFor("sendMessage");
      expect(reply?.params).toMatchObject({ chat_id: 3, text: "inline answer" });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("update builders and waitFor", () => {
  it("builds realistic private, forum-topic and media updates that grammY routes", async () => {
    const bot = makeBot();
    bot.command("start", (ctx) => ctx.reply("welcome"));
    const earlier = await bot.api.sendMessage(-1001234567890, "earlier", { message_thread_id: 7 });

    const dm = fake.message({ text: "/start@claw_test_bot hi" });
    const topic = fake.message({
      chatId: -1001234567890,
      messageThreadId: 7,
      from: { id: 2002, first_name: "Bob" },
      text: "@claw_test_bot ping",
      replyToBot: true,
    });
    const [photo, document, voice] = [
      fake.message({ photo: true, text: "caption" }),
      fake.message({ document: { fileName: "a.pdf", mimeType: "application/pdf" } }),
      fake.message({ voice: { duration: 3 } }),
    ];
    await bot.handleUpdate(dm);

    expect(dm).toEqual({
      update_id: expect.any(Number),
      message: {
        message_id: 1,
        from: {
          id: 1001,
          is_bot: false,
          first_name: "Ada",
          last_name: "Lovelace",
          username: "ada",
          language_code: "en",
        },
        chat: { id: 1001, type: "private", first_name: "Ada", last_name: "Lovelace", username: "ada" },
        date: expect.any(Number),
        text: "/start@claw_test_bot hi",
        entities: [{ type: "bot_command", offset: 0, length: 20 }],
      },
    });
    expect(topic.update_id).toBe(dm.update_id + 1);
    expect(topic.message).toMatchObject({
      message_id: earlier.message_id + 1,
      from: { id: 2002, is_bot: false, first_name: "Bob" },
      chat: { id: -1001234567890, type: "supergroup", is_forum: true },
      message_thread_id: 7,
      is_topic_message: true,
      reply_to_message: { message_id: earlier.message_id, from: { is_bot: true }, text: "earlier" },
      entities: [{ type: "mention", offset: 0, length: 14 }],
    });
    expect(photo?.message).toMatchObject({ caption: "caption", photo: expect.any(Array) });
    expect(photo?.message?.photo).toHaveLength(3);
    expect(document?.message?.document).toMatchObject({ file_name: "a.pdf", mime_type: "application/pdf" });
    expect(voice?.message?.voice).toMatchObject({ duration: 3, mime_type: "audio/ogg" });
    const [welcome] = await fake.waitFor("sendMessage", 2000, 2);
    expect(fake.sent.at(-1)?.params).toMatchObject({ chat_id: 1001, text: "welcome" });
    expect(welcome?.params).toMatchObject({ text: "earlier" });
  });

  it("waitFor resolves from the handler and times out naming the calls seen", async () => {
    const bot = makeBot();

    const second = fake.waitFor((call) => call.params["text"] === "second", 1000);
    await bot.api.sendMessage(1, "first");
    await bot.api.sendMessage(1, "second");

    expect((await second).map((call) => call.params["text"])).toEqual(["second"]);
    expect(await fake.waitFor(2)).toHaveLength(2);
    await expect(fake.waitFor("deleteMessage", 50)).rejects.toThrow(
      /timed out after 50 ms; calls so far: sendMessage, sendMessage/,
    );
  });
});
