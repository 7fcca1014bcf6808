// Behaviour of the Telegram outbound against the fake Bot API through grammY's real Api, on a fake
// clock: long replies in valid pieces, the plain-text fallback, 429/5xx/403 handling, preview streaming.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../test/fakes/telegram-html.ts";
import {
  type RecordedCall,
  startTelegramFake,
  type TelegramFake,
} from "../../../test/fakes/telegram-bot-api.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import type { DeliveryTarget } from "../channel.ts";
import { formatTelegramReply } from "./format.ts";
import { createTelegramOutbound, startTyping, TelegramApiError, type TelegramOutbound } from "./outbound.ts";

const CHAT: DeliveryTarget = { chatId: "4242" };
const NOT_MODIFIED = "Bad Request: message is not modified: specified new message content is the same";

let fake: TelegramFake;
let clock: FakeClock;
let logs: [string, string][];
let outbound: TelegramOutbound;

beforeEach(async () => {
  fake = await startTelegramFake();
  clock = createFakeClock();
  logs = [];
  outbound = createTelegramOutbound({
    token: fake.token,
    apiRoot: fake.url,
    clock,
    log: (level, message) => logs.push([level, message]),
  });
});
afterEach(() => fake.close());

/** Yields to real I/O until check passes (the fake answers over real HTTP); fails after 3 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Waits until the code under test is parked on the clock (and so sends nothing until time moves). */
const parked = (count = 1) => until(() => clock.pending >= count, "a sleeper on the fake clock");

/** Resolves the promise, moving the fake clock on whenever everything is waiting for it. */
async function drive<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await until(() => {
    if (!done && clock.pending > 0) void clock.advance(250);
    return done;
  }, "the call to finish");
  return promise;
}

const calls = (method: string) => fake.sent.filter((call) => call.method === method);
const texts = (list: RecordedCall[]) => list.map((call) => call.params["text"]);

/** A reply of about `chars` characters with formatting on every line, numbered so order shows. */
function longReply(chars: number): string {
  const lines: string[] = [];
  for (let i = 1; lines.join("\n\n").length < chars; i++)
    lines.push(`Paragraph ${i} has **bold** text, \`code\` and a [link](https://example.com/${i}).`);
  return lines.join("\n\n");
}

describe("send", () => {
  it("delivers a 10,000-character reply as ordered HTML pieces within the limit, a second apart", async () => {
    const reply = longReply(10_000);
    const result = outbound.send(CHAT, reply);
    await fake.waitFor("sendMessage");
    await parked();
    await clock.advance(999);
    expect(calls("sendMessage")).toHaveLength(1); // Telegram allows about one message a second per chat
    expect(clock.pending).toBe(1); // still waiting, not sent and in flight
    const ids = await drive(result);

    const sent = calls("sendMessage");
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(ids).toEqual(sent.map((_, i) => String(i + 1)));
    const shown = sent.map((call) => {
      expect(call.params["parse_mode"]).toBe("HTML");
      expect(call.params["link_preview_options"]).toEqual({ is_disabled: true });
      const { text } = parseTelegramHtml(String(call.params["text"]));
      expect(text.length).toBeLessThanOrEqual(4096);
      return text;
    });
    const numbers = [...shown.join("\n").matchAll(/Paragraph (\d+) /g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers.length).toBe(reply.split("\n\n").length);
  });

  it("resends a piece as plain text when Telegram cannot parse its HTML", async () => {
    fake.failNext("sendMessage", {
      status: 400,
      description: "Bad Request: can't parse entities: Unexpected end tag at byte offset 12",
    });
    const ids = await drive(outbound.send(CHAT, "Some **bold** and <b>raw</b> text"));
    const [html, plain] = calls("sendMessage");
    expect(html!.params["parse_mode"]).toBe("HTML");
    expect(plain!.params["parse_mode"]).toBeUndefined();
    expect(plain!.params["text"]).toBe("Some **bold** and <b>raw</b> text");
    expect(ids).toEqual(["1"]);
    expect(logs.some(([level, message]) => level === "warn" && /can't parse entities/.test(message))).toBe(
      true,
    );
  });

  it("waits out a 429 storm on the clock and delivers each piece exactly once, in order", async () => {
    fake.failNext("sendMessage", { status: 429, retryAfter: 3 }, 2);
    const reply = longReply(9000);
    const result = outbound.send(CHAT, reply);

    await fake.waitFor("sendMessage");
    await parked();
    await clock.advance(2999);
    expect(calls("sendMessage")).toHaveLength(1); // nothing goes before retry_after has passed
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    await fake.waitFor("sendMessage", 2000, 2);
    await parked();
    expect(calls("sendMessage")).toHaveLength(2);
    await clock.advance(3000);
    await fake.waitFor("sendMessage", 2000, 3); // the first piece gets through
    fake.failNext("sendMessage", { status: 429, retryAfter: 5 }); // and the second meets another 429
    const ids = await drive(result);

    const pieces = formatTelegramReply(reply).map((piece) => piece.html);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(ids).toHaveLength(pieces.length);
    const [first, second, ...rest] = pieces;
    expect(texts(calls("sendMessage"))).toEqual([first, first, first, second, second, ...rest]);
  });

  it("pauses every chat of the bot while one chat is under flood control", async () => {
    const other = createTelegramOutbound({ token: fake.token, apiRoot: fake.url, clock });
    fake.failNext("sendMessage", { status: 429, retryAfter: 10 });
    const first = outbound.send(CHAT, "to the first chat");
    await fake.waitFor("sendMessage");
    await parked();
    const second = other.send({ chatId: "777" }, "to another chat");
    await parked(2);
    await clock.advance(9999);
    expect(calls("sendMessage")).toHaveLength(1);
    expect(clock.pending).toBe(2);
    await clock.advance(1);
    expect(await drive(Promise.all([first, second]))).toEqual([["1"], ["1"]]);
    expect(calls("sendMessage").map((call) => call.params["chat_id"])).toEqual([4242, 4242, 777]);
  });

  it("retries a 500 after 1 s and 2 s", async () => {
    fake.failNext("sendMessage", { status: 500 }, 2);
    const result = outbound.send(CHAT, "hello");
    await fake.waitFor("sendMessage");
    await parked();
    await clock.advance(999);
    expect(calls("sendMessage")).toHaveLength(1);
    await clock.advance(1);
    await fake.waitFor("sendMessage", 2000, 2);
    await parked();
    await clock.advance(1999);
    expect(calls("sendMessage")).toHaveLength(2);
    await clock.advance(1);
    expect(await drive(result)).toEqual(["1"]);
  });

  it("gives up after three retries of a failing server or network", async () => {
    fake.failNext("sendMessage", { status: 500, description: "Internal Server Error" }, 4);
    await expect(drive(outbound.send(CHAT, "hello"))).rejects.toThrow(
      "Telegram refused sendMessage to chat 4242 after 4 attempts: 500 Internal Server Error",
    );
    expect(calls("sendMessage")).toHaveLength(4);

    const offline = createTelegramOutbound({ token: fake.token, apiRoot: "http://127.0.0.1:1", clock });
    await expect(drive(offline.send(CHAT, "hello"))).rejects.toThrow(
      /Telegram sendMessage to chat 4242 failed after 4 attempts: network error/,
    );
  });

  it("throws what Telegram answered for a 403, without retrying", async () => {
    fake.failNext("sendMessage", { status: 403, description: "Forbidden: bot was blocked by the user" });
    const error = await drive(outbound.send(CHAT, "hello")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect((error as TelegramApiError).code).toBe(403);
    expect((error as Error).message).toBe(
      "Telegram refused sendMessage to chat 4242: 403 Forbidden: bot was blocked by the user",
    );
    expect(calls("sendMessage")).toHaveLength(1);
  });

  it("replies in a forum topic: every piece in the topic, only the first quoting the message", async () => {
    const topic = { chatId: "-1001234567890", threadId: "7", replyToMessageId: "3" };
    await drive(outbound.send(topic, longReply(6000)));
    const sent = calls("sendMessage");
    expect(sent).toHaveLength(2);
    expect(sent.map((call) => call.params["message_thread_id"])).toEqual([7, 7]);
    expect(sent[0]!.params["reply_parameters"]).toEqual({ message_id: 3, allow_sending_without_reply: true });
    expect(sent[1]!.params["reply_parameters"]).toBeUndefined();
  });
});

describe("edit", () => {
  it("ignores 'message is not modified' and falls back to plain text on a parse error", async () => {
    const [id] = await drive(outbound.send(CHAT, "first"));
    await drive(outbound.edit(CHAT, id!, "**second**"));
    await drive(outbound.edit(CHAT, id!, "**second**")); // the fake answers "message is not modified"
    fake.failNext("editMessageText", { status: 400, description: "Bad Request: can't parse entities: x" });
    await drive(outbound.edit(CHAT, id!, "_third_"));
    expect(calls("editMessageText").map((call) => [call.params["text"], call.params["parse_mode"]])).toEqual([
      ["<b>second</b>", "HTML"],
      ["<b>second</b>", "HTML"],
      ["<i>third</i>", "HTML"],
      ["_third_", undefined],
    ]);
  });

  it("still throws other refusals", async () => {
    await expect(drive(outbound.edit(CHAT, "99", "text"))).rejects.toThrow(
      /400 Bad Request: message to edit not found/,
    );
  });
});

describe("preview", () => {
  it("sends once the text is long enough, edits at most every 1.5 s, then edits to the final text", async () => {
    const preview = outbound.preview(CHAT);
    preview.update("Thinking");
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.sent).toHaveLength(0); // too short to be worth a message

    preview.update("Here is a **partial answer");
    const [first] = await fake.waitFor("sendMessage");
    expect(first!.params["text"]).toBe("Here is a **partial answer …");
    expect(first!.params["parse_mode"]).toBeUndefined();

    preview.update("Here is a **partial answer** that grows");
    preview.update("Here is a **partial answer** that grows and grows");
    await parked();
    await clock.advance(1499);
    expect(calls("editMessageText")).toHaveLength(0);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    const [edit] = await fake.waitFor("editMessageText");
    expect(edit!.params["text"]).toBe("Here is a **partial answer** that grows and grows …"); // the latest wins
    preview.update("Here is a **partial answer** that grows and grows"); // unchanged: no edit is planned
    expect(clock.pending).toBe(0);
    await clock.advance(5000);
    expect(calls("editMessageText")).toHaveLength(1);

    const ids = await drive(preview.finish("Here is a **partial answer** that grows and grows."));
    expect(ids).toEqual(["1"]);
    const final = calls("editMessageText")[1]!;
    expect([final.params["text"], final.params["parse_mode"]]).toEqual([
      "Here is a <b>partial answer</b> that grows and grows.",
      "HTML",
    ]);
    expect(calls("sendMessage")).toHaveLength(1);
  });

  it("splits a long final text: the preview becomes the first piece and the rest follow", async () => {
    const preview = outbound.preview({ ...CHAT, replyToMessageId: "1" });
    preview.update("A long answer starts here and goes on");
    await fake.waitFor("sendMessage");
    const reply = longReply(9000);
    const ids = await drive(preview.finish(reply));
    expect(ids).toEqual(formatTelegramReply(reply).map((_, i) => String(i + 1)));
    const [edit] = calls("editMessageText");
    expect(edit!.params["text"]).toMatch(/^Paragraph 1 has <b>bold<\/b>/);
    const quoting = calls("sendMessage").map((call) => call.params["reply_parameters"] !== undefined);
    expect(quoting).toEqual(ids.map((_, i) => i === 0));
  });

  it("just sends when finished before anything was shown", async () => {
    const preview = outbound.preview(CHAT);
    preview.update("Hi");
    expect(await drive(preview.finish("**Hi** there"))).toEqual(["1"]);
    expect(calls("sendMessage").map((call) => call.params["text"])).toEqual(["<b>Hi</b> there"]);
    expect(calls("editMessageText")).toHaveLength(0);
  });

  it("finishes after the edit in flight, and takes 'message is not modified' as done", async () => {
    const preview = outbound.preview(CHAT);
    preview.update("Plain words and nothing more");
    await fake.waitFor("sendMessage");
    preview.update("Plain words and nothing more here");
    await parked();
    await clock.advance(1500); // the throttled edit starts
    const finished = preview.finish("Plain words and nothing more here.");
    const [inFlight] = await fake.waitFor("editMessageText");
    expect(inFlight!.params["text"]).toBe("Plain words and nothing more here …");
    fake.failNext("editMessageText", { status: 400, description: NOT_MODIFIED });
    expect(await drive(finished)).toEqual(["1"]);
    const final = calls("editMessageText")[1]!;
    expect([final.params["text"], final.params["parse_mode"]]).toEqual([
      "Plain words and nothing more here.",
      "HTML",
    ]);
  });

  it("cancel deletes the preview", async () => {
    const preview = outbound.preview(CHAT);
    preview.update("Something that will be abandoned");
    await fake.waitFor("sendMessage");
    await drive(preview.cancel());
    expect(calls("deleteMessage").map((call) => call.params["message_id"])).toEqual([1]);
  });
});

describe("typing", () => {
  it("refreshes every 4 s in the topic until stopped", async () => {
    const stop = startTyping(outbound, { chatId: "-1001234567890", threadId: "7" }, clock);
    await fake.waitFor("sendChatAction");
    await parked();
    await clock.advance(3999);
    expect(calls("sendChatAction")).toHaveLength(1);
    await clock.advance(1);
    await fake.waitFor("sendChatAction", 2000, 2);
    await parked();
    await clock.advance(4000);
    await fake.waitFor("sendChatAction", 2000, 3);
    await parked();
    stop();
    expect(clock.pending).toBe(0);
    await clock.advance(20_000);
    expect(calls("sendChatAction")).toHaveLength(3);
    expect(calls("sendChatAction")[0]!.params).toEqual({
      chat_id: -1001234567890,
      action: "typing",
      message_thread_id: 7,
    });
  });

  it("swallows failures and logs them", async () => {
    fake.failNext("sendChatAction", {
      status: 403,
      description: "Forbidden: bot was kicked from the group chat",
    });
    await expect(outbound.typing(CHAT)).resolves.toBeUndefined();
    expect(logs).toEqual([["warn", expect.stringMatching(/typing in chat 4242 failed: 403 Forbidden/)]]);
  });
});
