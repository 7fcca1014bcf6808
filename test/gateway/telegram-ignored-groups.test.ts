// Telegram groups that are not allowed: a mention there is logged once with the group's id and the
// command that allows it, listed by channels.ignoredGroups, and answered once the id is allowed
// (as a number, the way people type it).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCliValue, updateConfigFile } from "../../src/config/edit.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { type ControlWorld, startControlWorld } from "./control-harness.ts";

const ALLOWED = -1001234567890;
const OTHER = -1009876543210;

let telegram: TelegramFake;
let world: ControlWorld;

beforeEach(async () => {
  telegram = await startTelegramFake();
  world = await startControlWorld({
    config: {
      // A number, as `config set channels.telegram.groups '[-1001234567890]'` writes it.
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.url, groups: [ALLOWED] } },
    },
  });
});

afterEach(async () => {
  await world.close();
  await telegram.close();
});

const sent = () => telegram.sent.filter((c) => c.method === "sendMessage");
const ignoredLines = () =>
  world.gateway.ctx.logs
    .tail({ limit: 1000 })
    .filter((l) => l.message.includes("ignored a message in group"));

describe("Telegram groups that are not allowed", () => {
  it("logs the group's id and how to allow it once, lists it, and answers after Allow", async () => {
    const mention = (chatId: number, text: string) =>
      telegram.message({ chatId, text: `@${telegram.botInfo.username} ${text}` });
    world.fake.script([{ text: "Allowed group here." }, { text: "Now I am in." }]);

    telegram.pushUpdate(mention(OTHER, "hello?"));
    telegram.pushUpdate(telegram.message({ chatId: OTHER, text: "just chatting" }));
    telegram.pushUpdate(mention(ALLOWED, "and here?"));
    // Updates are handled in order: once the allowed group's answer went out, the others were seen.
    const [reply] = await telegram.waitFor("sendMessage");
    expect(reply?.params).toMatchObject({ chat_id: ALLOWED, text: "Allowed group here." });
    expect(world.fake.requests).toHaveLength(1);

    // One line for two messages, naming the group, its id and the exact command.
    const lines = ignoredLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain(`group "Test Supergroup" (id ${OTHER})`);
    expect(lines[0]!.message).toContain(
      `agent-claw config set channels.telegram.groups '["${ALLOWED}","${OTHER}"]'`,
    );

    const client = await world.client();
    expect(await client.request("channels.ignoredGroups")).toMatchObject({
      ok: true,
      payload: {
        groups: [
          {
            channel: "telegram",
            chatId: String(OTHER),
            title: "Test Supergroup",
            firstSeenAt: expect.any(Number),
            lastSeenAt: expect.any(Number),
            messages: 2,
          },
        ],
      },
    });

    // What the Channels page's Allow button sends.
    const allowed = await client.request("config.patch", {
      patch: { "channels.telegram.groups": [String(ALLOWED), String(OTHER)] },
    });
    expect(allowed.ok).toBe(true);
    expect(await client.request("channels.ignoredGroups")).toMatchObject({
      ok: true,
      payload: { groups: [] },
    });
    telegram.pushUpdate(mention(OTHER, "now?"));
    await telegram.waitFor("sendMessage", 5_000, 2);
    expect(sent().at(-1)?.params).toMatchObject({ chat_id: OTHER, text: "Now I am in." });
  });

  it("accepts numeric ids from `config set`", async () => {
    const home = await mkdtemp(join(tmpdir(), "ac-groups-"));
    try {
      const file = join(home, "config.json");
      await writeFile(file, "{}\n");
      const config = await updateConfigFile(file, "channels.telegram.groups", parseCliValue("[-100777]"));
      expect(config.channels.telegram.groups).toEqual(["-100777"]);
      expect(JSON.parse(await readFile(file, "utf8")).channels.telegram.groups).toEqual([-100777]);
      await expect(
        updateConfigFile(file, "channels.telegram.groups", parseCliValue('["general"]')),
      ).rejects.toThrow(/numeric Telegram chat id/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
