// `agent-claw config` as the owner runs it: secrets masked unless asked for, rejected secrets not
// echoed, time zones checked, and unset that says what it did.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempHome } from "./run-cli.ts";

const BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
const GATEWAY_TOKEN = "gateway-token-0123456789abcdef";

let home: Awaited<ReturnType<typeof tempHome>>;
let file: string;
beforeEach(async () => {
  home = await tempHome();
  file = join(home.env.AGENT_CLAW_HOME!, "config.json");
});
afterEach(() => home.cleanup());

describe("agent-claw config and secrets", () => {
  it("masks the gateway token and the bot token unless --show-secrets is given", async () => {
    expect((await runCli(["config", "set", "gateway.token", GATEWAY_TOKEN], home.env)).code).toBe(0);
    expect((await runCli(["config", "set", "channels.telegram.botToken", BOT_TOKEN], home.env)).code).toBe(0);

    const whole = await runCli(["config", "get"], home.env);
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.stdout)).toMatchObject({
      gateway: { token: "[redacted]" },
      channels: { telegram: { botToken: "[redacted]", dmPolicy: "pairing" } },
    });
    const section = await runCli(["config", "get", "channels.telegram"], home.env);
    expect(JSON.parse(section.stdout)).toMatchObject({ botToken: "[redacted]" });
    expect((await runCli(["config", "get", "gateway.token"], home.env)).stdout).toBe("[redacted]\n");
    for (const out of [whole.stdout, section.stdout]) {
      expect(out).not.toContain(GATEWAY_TOKEN);
      expect(out).not.toContain(BOT_TOKEN);
    }

    const shown = await runCli(["config", "get", "gateway.token", "--show-secrets"], home.env);
    expect(shown.stdout).toBe(`${GATEWAY_TOKEN}\n`);
    const all = JSON.parse((await runCli(["config", "get", "--show-secrets"], home.env)).stdout);
    expect(all.channels.telegram.botToken).toBe(BOT_TOKEN);
  });

  it("refuses a malformed secret without printing it back", async () => {
    const almost = "123456:this-is-too-short";
    const bad = await runCli(["config", "set", "channels.telegram.botToken", almost], home.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("channels.telegram.botToken: a bot token from @BotFather");
    expect(bad.stderr).not.toContain(almost);
    const short = await runCli(["config", "set", "gateway.token", "hunter2-secret"], home.env);
    expect(short.stderr).toContain("gateway.token: at least 16 characters");
    expect(short.stderr).not.toContain("hunter2-secret");
  });
});

describe("agent-claw config edits that should fail", () => {
  it("refuses a time zone that does not exist, naming the key and the expected form", async () => {
    const bad = await runCli(["config", "set", "agent.timezone", "Mars/Olympus"], home.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('agent.timezone: an IANA time zone like "Europe/Berlin"');
    expect((await runCli(["config", "set", "agent.timezone", "Asia/Tokyo"], home.env)).code).toBe(0);
    expect((await runCli(["config", "get", "agent.timezone"], home.env)).stdout).toBe("Asia/Tokyo\n");
  });

  it("says when a key to unset was never set, and leaves no empty section behind", async () => {
    const never = await runCli(["config", "unset", "agent.timezone"], home.env);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain('"agent.timezone" is not set in');
    expect(never.stdout).not.toContain("Removed");
    await mkdir(home.env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(file, JSON.stringify({ model: "ollama/llama3.2", agent: { maxSteps: 40 } }));
    const removed = await runCli(["config", "unset", "agent.maxSteps"], home.env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain("Removed agent.maxSteps");
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ model: "ollama/llama3.2" });
  });
});
