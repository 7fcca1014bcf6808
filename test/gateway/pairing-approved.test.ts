// An approved Telegram sender is told so: `agent-claw pairing approve` beside a running gateway has
// the gateway send "You're approved" at once; with no gateway running, it is stored and sent once
// the gateway starts, and only once.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { pairingCommands } from "../../src/cli/commands/pairing.ts";
import { APPROVED_REPLY } from "../../src/gateway/pairing-notice.ts";
import { startGateway } from "../../src/gateway/server.ts";
import { useTelegramWorld } from "./telegram-world.ts";
import { createServer } from "node:net";
import { freePort } from "../free-port.ts";

const BOB = { id: 2002, first_name: "Bob" };

const world = useTelegramWorld("ac-pairing-approved-");

let env: NodeJS.ProcessEnv;
let output: string;

beforeEach(async () => {
  output = "";
  env = {
    AGENT_CLAW_HOME: world.home,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: world.model.url,
    AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
    TELEGRAM_BOT_TOKEN: world.telegram.token,
    TELEGRAM_API_ROOT: world.telegram.url,
    TZ: "UTC",
  };
  // The CLI finds the running gateway where the config says it listens.
  const config = { gateway: { port: await freePort() }, channels: { telegram: { streaming: false } } };
  await writeFile(join(world.home, "config.json"), JSON.stringify(config));
});

const start = async () => {
  world.gateway = await startGateway({ env, retryDelayMs: 0, write: () => {} });
};
const cli = () => pairingCommands({ env, out: (text) => (output += text) });
const approvals = () =>
  world.telegram.sent.filter((c) => c.method === "sendMessage" && c.params["text"] === APPROVED_REPLY);

/** Bob writes to the bot and gets a pairing code. */
async function bobAsks(): Promise<string> {
  world.telegram.pushUpdate(world.telegram.message({ text: "hello?", from: BOB }));
  const [pairing] = await world.telegram.waitFor("sendMessage");
  return /([A-Z0-9]{8})/.exec(String(pairing?.params["text"]))![1]!;
}

describe("a pairing approval is announced to the sender", () => {
  it("beside a running gateway: the sender is told at once, in their chat", async () => {
    await start();
    const code = await bobAsks();
    await cli().approve("telegram", code);
    expect(output).toContain("They were told on the channel that they are approved.");
    const [told] = await world.telegram.waitFor((c) => c.params["text"] === APPROVED_REPLY);
    expect(told?.params).toMatchObject({ chat_id: BOB.id });
    expect(world.model.requests).toHaveLength(0);
  });

  it("beside a gateway started on another port: found there; what listens on config.json's port gets nothing", async () => {
    // Someone else's server where config.json says the gateway is: the token must not go there.
    const config = JSON.parse(await readFile(join(world.home, "config.json"), "utf8"));
    const received: Buffer[] = [];
    const impostor = createServer((socket) => socket.on("data", (chunk: Buffer) => received.push(chunk)));
    await new Promise<void>((resolve) => impostor.listen(config.gateway.port, "127.0.0.1", resolve));
    try {
      world.gateway = await startGateway({ env, port: 0, retryDelayMs: 0, write: () => {} });
      const code = await bobAsks();
      await cli().approve("telegram", code);
      expect(output).toContain("They were told on the channel that they are approved.");
      await world.telegram.waitFor((c) => c.params["text"] === APPROVED_REPLY);
      expect(Buffer.concat(received).toString()).toBe("");
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it("with no gateway running: stored, then sent once when the gateway starts", async () => {
    await start();
    const code = await bobAsks();
    await world.gateway!.close();
    world.gateway = undefined;

    await cli().approve("telegram", code);
    expect(output).toContain("They will be told that they are approved when the gateway next connects");
    expect(approvals()).toHaveLength(0);

    await start();
    const [told] = await world.telegram.waitFor((c) => c.params["text"] === APPROVED_REPLY);
    expect(told?.params).toMatchObject({ chat_id: BOB.id });
    await world.gateway!.ctx.gatewayChannels.get("telegram")!.recovery;
    await world.gateway!.close();
    await start();
    await world.gateway!.ctx.gatewayChannels.get("telegram")!.recovery;
    expect(approvals()).toHaveLength(1);
  });
});
