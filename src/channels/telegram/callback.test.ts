// Reading button presses: a realistic callback_query, one without its message, and what is not one.
import { describe, expect, it } from "vitest";
import { parseTelegramCallback } from "./callback.ts";

const press = {
  update_id: 500000123,
  callback_query: {
    id: "4382910334871625012",
    from: { id: 1001, is_bot: false, first_name: "Ada", username: "ada", language_code: "en" },
    message: {
      message_id: 42,
      from: { id: 123456789, is_bot: true, first_name: "Claw", username: "claw_bot" },
      chat: { id: 1001, type: "private", first_name: "Ada" },
      date: 1764000000,
      text: "Run this command?",
    },
    chat_instance: "-8723648723648",
    data: "ap:abc:o",
  },
};

describe("parseTelegramCallback", () => {
  it("reads who pressed which button under which message", () => {
    expect(parseTelegramCallback(press)).toEqual({
      queryId: "4382910334871625012",
      senderId: "1001",
      senderName: "Ada",
      chatId: "1001",
      messageId: "42",
      data: "ap:abc:o",
    });
  });

  it("keeps a press whose message Telegram left out (too old), without chat and message", () => {
    const { message: _message, ...query } = press.callback_query;
    expect(parseTelegramCallback({ update_id: 1, callback_query: query })).toEqual({
      queryId: "4382910334871625012",
      senderId: "1001",
      senderName: "Ada",
      data: "ap:abc:o",
    });
  });

  it.each([
    null,
    "x",
    { update_id: 1, message: press.callback_query.message },
    { callback_query: { id: 5 } },
  ])("answers undefined for %j", (body) => {
    expect(parseTelegramCallback(body)).toBeUndefined();
  });
});
