// `agent-claw onboard` from nothing to a working Telegram bot, as the built CLI: answers typed on stdin
// or given as flags, the API key tested against a fake provider, the bot token checked with getMe on
// the fake Bot API, a running Ollama found through /api/tags, and a second run that updates USER.md.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { runCli, tempHome } from "./run-cli.ts";

const KEY = "sk-right-key-0123456789abcdef";

let home: Awaited<ReturnType<typeof tempHome>>;
let provider: FakeModelServer;
let telegram: TelegramFake;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  home = await tempHome();
  provider = await startOpenAIChatFake({ apiKey: KEY, models: ["llama3.2:3b", "qwen3:8b"] });
  telegram = await startTelegramFake();
  env = {
    ...home.env,
    OPENAI_BASE_URL: provider.url,
    TELEGRAM_API_ROOT: telegram.url,
    // Nothing listens here: no Ollama unless a test points OLLAMA_HOST at the fake.
    OLLAMA_HOST: "http://127.0.0.1:9",
  };
});
afterEach(async () => {
  await telegram.close();
  await provider.close();
  await home.cleanup();
});

const file = (...parts: string[]) => join(env.AGENT_CLAW_HOME!, ...parts);
const config = async () => JSON.parse(await readFile(file("config.json"), "utf8"));

describe("agent-claw onboard", () => {
  it("asks for provider, model, key, time zone, names and the bot token, tests them, and explains pairing", async () => {
    const answers = ["openai", "gpt-test", KEY, "", "Europe/Berlin", "Molty", "Ada", telegram.token, ""];
    const result = await runCli(["onboard"], env, answers.join("\n"));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`✓ openai/gpt-test: ${provider.url}/models answered`);
    expect(result.stdout).toContain(`✓ Telegram bot @${telegram.botInfo.username}`);
    expect(result.stdout).toMatch(
      /pairing code;\napprove it with agent-claw pairing approve telegram <code>/,
    );
    // Secrets go to the file, never to the screen.
    expect(result.stdout).not.toContain(KEY);
    expect(result.stdout).not.toContain(telegram.token);
    expect(await config()).toMatchObject({
      model: "openai/gpt-test",
      providers: { openai: { apiKey: KEY } },
      agent: { timezone: "Europe/Berlin" },
      channels: { telegram: { botToken: telegram.token } },
    });
    expect((await stat(file("config.json"))).mode & 0o777).toBe(0o600);
    expect(telegram.sent.map((c) => c.method)).toContain("getMe");
    expect(await readFile(file("workspace", "USER.md"), "utf8")).toMatch(
      /- Name: Ada\n[\s\S]*- Time zone: Europe\/Berlin/,
    );
    expect(await readFile(file("workspace", "IDENTITY.md"), "utf8")).toContain("- Name: Molty");
  });

  it("offers a running Ollama's models and takes the first with --yes", async () => {
    const ollamaRoot = provider.url.replace(/\/v1$/, "");
    const result = await runCli(["onboard", "--yes"], { ...env, OLLAMA_HOST: ollamaRoot });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Found Ollama at ${ollamaRoot} with llama3.2:3b, qwen3:8b.`);
    expect((await config()).model).toBe("ollama/llama3.2:3b");
  });

  it("refuses a key the provider rejects, and a bot token Telegram rejects, and saves neither", async () => {
    const badKey = await runCli(
      ["onboard", "--yes", "--model", "openai/gpt-test", "--api-key", "sk-wrong-key-0123456789"],
      env,
    );
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/refused the credentials \(401\): the API key was not saved/);
    expect(badKey.stdout + badKey.stderr).not.toContain("sk-wrong-key");
    await expect(stat(file("config.json"))).rejects.toThrow(/ENOENT/);

    const mistyped = await runCli(
      ["onboard", "--yes", "--model", "openai/gpt-test", "--api-key", "sk-pasted twice-0123456789"],
      env,
    );
    expect(mistyped.code).toBe(1);
    expect(mistyped.stderr).toMatch(
      /^error: The config from your answers is not valid:\n.*providers\.openai\.apiKey/,
    );
    expect(mistyped.stderr).not.toContain("pasted");

    const badToken = await runCli(
      [
        "onboard",
        "--yes",
        "--model",
        "openai/gpt-test",
        "--api-key",
        KEY,
        "--telegram-token",
        "123456:wrongwrongwrongwrongwrong",
      ],
      env,
    );
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/Telegram did not accept the bot token .*it was not saved/);
    expect(badToken.stderr).not.toContain("wrongwrong");
    await expect(stat(file("config.json"))).rejects.toThrow(/ENOENT/);
  });

  it("run again, keeps the saved base URL and key, and never sends the saved key to a new base URL", async () => {
    const flags = ["onboard", "--yes", "--model", "openai-compatible/llama3.2:3b"];
    await runCli([...flags, "--base-url", provider.url, "--api-key", KEY], env);

    // Enter at every question: the saved address and key stay, and still work.
    const again = await runCli(["onboard"], env, "\n".repeat(10));
    expect(again.stdout).toContain(`Base URL of the server [${provider.url}]`);
    expect(again.stdout).toContain(`✓ openai-compatible/llama3.2:3b: ${provider.url}/models answered`);
    expect((await config()).providers.openaiCompatible).toEqual({ baseURL: provider.url, apiKey: KEY });

    // A server elsewhere that would take the same key: it is not sent there, nor left saved for it.
    const other = await startOpenAIChatFake({ apiKey: KEY });
    try {
      const moved = await runCli([...flags, "--base-url", other.url], env);
      expect(moved.stdout).toContain(`${other.url}/models refused the credentials (401)`);
      expect((await config()).providers.openaiCompatible).toEqual({ baseURL: other.url });
    } finally {
      await other.close();
    }
  });

  it("run again with new names, updates USER.md and IDENTITY.md and keeps what you wrote there", async () => {
    const flags = ["onboard", "--yes", "--model", "openai/gpt-test", "--api-key", KEY];
    await runCli([...flags, "--user-name", "Ada", "--timezone", "Europe/Berlin"], env);
    const user = file("workspace", "USER.md");
    await writeFile(user, `${await readFile(user, "utf8")}\nLikes tea.\n`);

    const again = await runCli(
      [...flags, "--user-name", "Grace", "--assistant-name", "Molty", "--timezone", "Asia/Tokyo"],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/updated IDENTITY\.md; updated USER\.md/);
    const text = await readFile(user, "utf8");
    expect(text).toMatch(/- Name: Grace\n[\s\S]*- Time zone: Asia\/Tokyo/);
    expect(text).toContain("Likes tea.");
    expect(await readFile(file("workspace", "IDENTITY.md"), "utf8")).toContain("- Name: Molty");
    expect((await config()).agent.timezone).toBe("Asia/Tokyo");
  });
});
