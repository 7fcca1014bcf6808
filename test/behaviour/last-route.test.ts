// The last route over each engine's Values port: where "last" delivers, as another process sees it,
// and the one-time move of the old last-route.json into the port.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLastRoute, WEB_CHAT } from "../../src/core/last-route.ts";
import type { DeliveryAddress } from "../../src/core/messages.ts";
import { openLastRoute } from "../../src/gateway/last-route.ts";
import type { Ports } from "../../src/ports/index.ts";
import { type EngineInstance, engines } from "./engines.ts";

const TELEGRAM: DeliveryAddress = { channel: "telegram", account: "default", chatId: "42" };
const GROUP_TOPIC: DeliveryAddress = {
  channel: "telegram",
  account: "default",
  chatId: "-100",
  threadId: "7",
};

describe.each(engines)("the last route on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  let dir: string | undefined;
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  afterEach(async () => {
    await instance?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
    instance = undefined;
    dir = undefined;
  });

  async function open(): Promise<Ports> {
    instance = await engine.open();
    return instance.ports;
  }

  it("delivers to the web chat before any chat is noted, then to the chat noted last", async () => {
    const route = createLastRoute((await open()).values);
    expect(await route.target()).toEqual(WEB_CHAT);
    // The message a reply answered is not part of where reminders go.
    await route.note({ ...TELEGRAM, replyToMessageId: "9" });
    expect(await route.get()).toEqual(TELEGRAM);
    await route.note(GROUP_TOPIC);
    expect(await route.target()).toEqual(GROUP_TOPIC);
  });

  it("is the same in every process: the newest note wins wherever it was made", async () => {
    const ports = await open();
    const gateway = createLastRoute(ports.values);
    const lambda = createLastRoute(ports.values);
    await gateway.note(TELEGRAM);
    expect(await lambda.target()).toEqual(TELEGRAM);
    await lambda.note(GROUP_TOPIC);
    // The gateway noted TELEGRAM before; noting it again must still be written.
    await gateway.note(TELEGRAM);
    expect(await lambda.target()).toEqual(TELEGRAM);
  });

  it("moves the old last-route.json into the port once, and a later note replaces it", async () => {
    const ports = await open();
    dir = await mkdtemp(join(tmpdir(), "claw-last-route-"));
    const file = join(dir, "last-route.json");
    await writeFile(file, JSON.stringify({ channel: "telegram", account: "default", chatId: "7" }));
    expect(await openLastRoute(ports.values, file, () => {}).target()).toEqual({
      channel: "telegram",
      account: "default",
      chatId: "7",
    });
    // Another process without the file (a Lambda) sees the migrated route.
    expect(await createLastRoute(ports.values).get()).toEqual({ ...TELEGRAM, chatId: "7" });
    await createLastRoute(ports.values).note(TELEGRAM);
    expect(await openLastRoute(ports.values, file, () => {}).target()).toEqual(TELEGRAM);
  });

  it("ignores an old file that is damaged or not a route, and still works", async () => {
    const ports = await open();
    dir = await mkdtemp(join(tmpdir(), "claw-last-route-"));
    const file = join(dir, "last-route.json");
    await writeFile(file, '{"channel": "telegr');
    const route = openLastRoute(ports.values, file, () => {});
    expect(await route.target()).toEqual(WEB_CHAT);
    await route.note(TELEGRAM);
    expect(await route.target()).toEqual(TELEGRAM);
  });

  it("logs a failed write instead of failing the message that noted it", async () => {
    const ports = await open();
    const logged: string[] = [];
    const values = { ...ports.values, put: async () => Promise.reject(new Error("disk full")) };
    const route = createLastRoute(values, { log: (m) => logged.push(m) });
    await expect(route.note(TELEGRAM)).resolves.toBeUndefined();
    expect(logged).toEqual(["could not save the last chat: disk full"]);
    expect(await route.target()).toEqual(WEB_CHAT);
  });
});
