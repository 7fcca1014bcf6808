// exec's approvals in Telegram, end to end through the fake Bot API: a message with inline buttons,
// callback_query presses (once, always, deny), the message edited to show the decision, and presses
// that are refused: another group member, a second press, a forged button.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RecordedCall, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { ADA, startTelegramGateway, useTelegramWorld } from "./telegram-world.ts";

const GROUP = -1001234;

const world = useTelegramWorld("ac-tg-approval-");

async function start(config: Record<string, unknown> = {}): Promise<void> {
  const { telegram: channel = {}, ...rest } = config;
  world.gateway = await startTelegramGateway(world, channel as Record<string, unknown>, rest);
}

type Button = { text: string; callback_data: string };
const hasButtons = (c: RecordedCall) => c.method === "sendMessage" && c.params["reply_markup"] !== undefined;
const buttonsOf = (call: RecordedCall) =>
  (call.params["reply_markup"] as { inline_keyboard: Button[][] }).inline_keyboard.flat();

/** The model runs `command` with exec, then answers "done"; resolves the approval message. */
async function askFor(command: string, message: Parameters<TelegramFake["message"]>[0] = { text: "run it" }) {
  world.model.script([{ toolCalls: [{ name: "exec", input: { command } }] }, { text: "done" }]);
  world.telegram.pushUpdate(world.telegram.message(message));
  const [call] = await world.telegram.waitFor(hasButtons, 5_000);
  return { call: call!, chatId: Number(call!.params["chat_id"]), buttons: buttonsOf(call!) };
}

async function press(
  chatId: number,
  messageId: number,
  data: string,
  from?: { id: number; first_name: string },
) {
  const before = world.telegram.sent.filter((c) => c.method === "answerCallbackQuery").length;
  world.telegram.pushUpdate(world.telegram.buttonPress({ chatId, messageId, data, ...(from && { from }) }));
  const answers = await world.telegram.waitFor("answerCallbackQuery", 5_000, before + 1);
  return String(answers[before]!.params["text"]);
}

const toolResult = () => world.model.requests[1]?.messages.flatMap((m) => m.toolResults)[0]?.output ?? "";
const edits = () =>
  world.telegram.sent.filter((c) => c.method === "editMessageText").map((c) => String(c.params["text"]));

describe("exec approval in Telegram", () => {
  it("asks with three buttons; Allow once runs it, and the message shows the decision", async () => {
    await start();
    const { call, chatId, buttons } = await askFor("echo tg-once");
    expect(call.params["text"]).toContain("echo tg-once");
    expect(buttons.map((b) => b.text)).toEqual(["Allow once", "Always", "Deny"]);
    expect(world.model.requests).toHaveLength(1);
    const messageId = 2; // Ada's message is 1 in her chat; the approval message is the bot's first

    expect(await press(chatId, messageId, buttons[0]!.callback_data)).toBe("Approved once");
    await world.telegram.waitFor((c) => c.method === "sendMessage" && c.params["text"] === "done", 5_000);
    expect(toolResult()).toContain("tg-once");
    expect(edits().at(-1)).toContain("Approved once");
    expect(
      world.telegram.sent.find((c) => c.method === "editMessageText")?.params["reply_markup"],
    ).toBeUndefined();
  });

  it("Always adds the exact command to tools.exec.allowlist", async () => {
    await start();
    const { chatId, buttons } = await askFor("echo tg-always");
    expect(await press(chatId, 2, buttons[1]!.callback_data)).toBe("Approved always");
    await world.telegram.waitFor((c) => c.method === "sendMessage" && c.params["text"] === "done", 5_000);
    expect(toolResult()).toContain("tg-always");
    const saved = JSON.parse(await readFile(join(world.home, "config.json"), "utf8")) as {
      tools: { exec: { allowlist: string[] } };
    };
    expect(saved.tools.exec.allowlist).toEqual(["echo tg-always"]);
  });

  it("offers Always only to the owner: someone the owner approved may allow once or deny", async () => {
    const BOB = 2002;
    await start({
      telegram: { allowFrom: [String(ADA), String(BOB)] },
      tools: { policy: { approved: "all" } },
    });
    const { chatId, buttons } = await askFor("echo tg-bob", {
      text: "run it",
      from: { id: BOB, first_name: "Bob" },
    });
    expect(buttons.map((b) => b.text)).toEqual(["Allow once", "Deny"]);
    // A forged "always" press counts as once: the allowlist is left alone.
    const forged = buttons[0]!.callback_data.replace(/:o$/, ":a");
    expect(await press(chatId, 2, forged, { id: BOB, first_name: "Bob" })).toBe("Approved once");
    await world.telegram.waitFor((c) => c.method === "sendMessage" && c.params["text"] === "done", 5_000);
    expect(toolResult()).toContain("tg-bob");
    const saved = JSON.parse(await readFile(join(world.home, "config.json"), "utf8")) as {
      tools: { exec?: { allowlist?: string[] } };
    };
    expect(saved.tools.exec?.allowlist).toBeUndefined();
  });

  it("in a group, only the person who asked may answer; a second press and a forged button are refused", async () => {
    await start({ telegram: { groups: [String(GROUP)] }, tools: { policy: { group: "all" } } });
    const { chatId, buttons } = await askFor("echo tg-group", {
      chatId: GROUP,
      text: `@${world.telegram.botInfo.username} run it`,
    });
    const messageId = 2;
    const bob = { id: 2002, first_name: "Bob" };
    expect(await press(chatId, messageId, buttons[0]!.callback_data, bob)).toMatch(/by the person it asked/);
    expect(world.model.requests).toHaveLength(1);

    expect(await press(chatId, messageId, "ap:forged-id:o")).toMatch(/no such approval request/);
    expect(await press(chatId, messageId, buttons[2]!.callback_data)).toBe("Denied");
    await world.telegram.waitFor((c) => c.method === "sendMessage" && c.params["text"] === "done", 5_000);
    expect(toolResult()).toMatch(/^The command was not approved/);
    expect(edits().at(-1)).toContain("Denied");
    expect(await press(chatId, messageId, buttons[0]!.callback_data)).toMatch(
      /closed\. It was already denied/,
    );
  });
});
