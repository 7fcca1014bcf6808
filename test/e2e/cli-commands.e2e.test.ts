// The other commands, end to end: chat, sessions, config, cron, onboard, doctor, help.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTelegramFake } from "../fakes/telegram-bot-api.ts";
import { runCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

describe("agent-claw chat", () => {
  it("answers typed lines, handles /status and /new, and exits at end of input", async () => {
    world.fake.script([{ text: "Hi Ada." }, { text: "Fresh start." }]);
    const result = await runCli(["chat"], world.env, "hello\n/status\n/new\nanyone there?\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Hi Ada.\n");
    expect(result.stdout).toMatch(/model\s+openai-compatible\/fake-llama/);
    expect(result.stdout).toMatch(/session\s+agent:main:main/);
    expect(result.stdout).toMatch(/turns\s+1/);
    expect(result.stdout).toMatch(/reset\s+\w{3} \d{1,2} \w{3}, 04:00 \(daily at 04:00, /);
    expect(result.stdout).toContain("New session started");
    expect(result.stdout).toContain("Fresh start.\n");
    // After /new the model no longer sees the first exchange.
    expect(world.fake.requests[1]?.messages.map((m) => m.text)).toEqual(["anyone there?"]);
  });

  it("collects lines typed while a reply is running into the next turn", async () => {
    world.fake.script([{ text: "First." }, { text: "Second." }]);
    const result = await runCli(["chat"], world.env, "one\ntwo\nthree\n");
    expect(result.stdout).toContain("First.");
    expect(result.stdout).toContain("Second.");
    expect(world.fake.requests).toHaveLength(2);
    expect(world.fake.requests[0]?.lastUserText).toBe("one");
    expect(world.fake.requests[1]?.lastUserText).toBe("two\n\nthree");
  });
});

describe("agent-claw sessions", () => {
  it("lists, shows and resets sessions", async () => {
    world.fake.script([{ text: "Pong." }]);
    await runCli(["agent", "-m", "ping"], world.env);
    const list = await runCli(["sessions", "list"], world.env);
    expect(list.stdout).toMatch(/agent:main:main\s+1 turns\s+15 tokens/);
    const show = await runCli(["sessions", "show", "main"], world.env);
    expect(show.stdout).toMatch(/user .*\nping\n\nassistant .*\nPong\./);
    const json = JSON.parse((await runCli(["sessions", "list", "--json"], world.env)).stdout);
    expect(json[0]).toMatchObject({ key: "agent:main:main", turns: 1 });
    const reset = await runCli(["sessions", "reset", "main"], world.env);
    expect(reset.stdout).toMatch(/Reset agent:main:main: new transcript/);
    expect((await runCli(["sessions", "show", "main"], world.env)).stdout).toBe("");
    // The reset kept the old transcript: listed by history, readable by its id.
    const history = await runCli(["sessions", "history", "main"], world.env);
    expect(history.stdout).toMatch(
      new RegExp(`^${json[0].sessionId}\\s+2 entries\\s+ended \\d+s ago\n\\S+\\s+current`),
    );
    const old = await runCli(["sessions", "show", "main", "--transcript", json[0].sessionId], world.env);
    expect(old.stdout).toMatch(/user .*\nping\n\nassistant .*\nPong\./);
    const unknown = await runCli(["sessions", "show", "main", "--transcript", "nope"], world.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('agent:main:main has no transcript "nope"');
    const missing = await runCli(["sessions", "show", "nope"], world.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No session "agent:main:nope"');
  });
});

describe("agent-claw config", () => {
  it("sets, gets and refuses invalid values without touching the file", async () => {
    expect((await runCli(["config", "set", "session.dmScope", "per-peer"], world.env)).code).toBe(0);
    expect((await runCli(["config", "get", "session.dmScope"], world.env)).stdout).toBe("per-peer\n");
    const file = join(world.env.AGENT_CLAW_HOME!, "config.json");
    const before = await readFile(file, "utf8");
    const bad = await runCli(["config", "set", "agent.maxSteps", "lots"], world.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/agent\.maxSteps: expected number, received string/);
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await runCli(["config", "get", "agent.maxSteps"], world.env)).stdout).toBe("25\n");
  });

  it("prints a JSON Schema editors can use", async () => {
    const schema = JSON.parse((await runCli(["config", "schema"], world.env)).stdout);
    expect(schema.properties.model.type).toBe("string");
    expect(schema.properties.tools.properties.exec.properties.allowlist.type).toBe("array");
  });

  it("routes a per-peer terminal session by dmScope", async () => {
    await runCli(["config", "set", "session.dmScope", "per-peer"], world.env);
    world.fake.script([{ text: "ok" }]);
    const result = JSON.parse((await runCli(["agent", "-m", "hi", "--json"], world.env)).stdout);
    expect(result.sessionKey).toMatch(/^agent:main:dm:/);
  });
});

describe("agent-claw cron", () => {
  it("adds a job that cron list shows, and refuses a bad expression on stderr", async () => {
    const added = await runCli(
      [
        "cron",
        "add",
        "--name",
        "briefing",
        "--cron",
        "0 7 * * 1-5",
        "--tz",
        "Europe/Berlin",
        "--message",
        "Brief me",
      ],
      world.env,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added cron job \w+ "briefing"\./);
    expect(added.stdout).toContain("cron 0 7 * * 1-5 (Europe/Berlin)");
    expect(added.stdout).toContain("No gateway is running");
    const jobs = JSON.parse((await runCli(["cron", "list", "--json"], world.env)).stdout);
    expect(jobs).toEqual([
      expect.objectContaining({
        name: "briefing",
        enabled: true,
        schedule: { kind: "cron", expr: "0 7 * * 1-5", tz: "Europe/Berlin" },
        action: { kind: "agentTurn", message: "Brief me", deliver: { mode: "last" } },
      }),
    ]);
    const bad = await runCli(["cron", "add", "--cron", "0 25 * * *", "--system-event", "x"], world.env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^error: "0 25 \* \* \*" is not a valid cron expression/);
    const missing = await runCli(["cron", "run", "nope"], world.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no cron job "nope"');
    expect(JSON.parse((await runCli(["cron", "list", "--json"], world.env)).stdout)).toHaveLength(1);
  });
});

describe("agent-claw onboard", () => {
  it("writes the config, the schema and a personalised workspace from flags alone", async () => {
    const result = await runCli(
      [
        "onboard",
        "--yes",
        "--model",
        "openai-compatible/llama3.2",
        "--timezone",
        "Europe/Berlin",
        "--user-name",
        "Ada",
        "--assistant-name",
        "Molty",
      ],
      world.home.env,
    );
    expect(result.code).toBe(0);
    const config = JSON.parse(await readFile(join(world.home.env.AGENT_CLAW_HOME!, "config.json"), "utf8"));
    expect(config).toMatchObject({
      $schema: "./config.schema.json",
      model: "openai-compatible/llama3.2",
      agent: { timezone: "Europe/Berlin" },
    });
    await readFile(join(world.home.env.AGENT_CLAW_HOME!, "config.schema.json"), "utf8");
    const ws = join(world.home.env.AGENT_CLAW_HOME!, "workspace");
    expect(await readFile(join(ws, "IDENTITY.md"), "utf8")).toContain("- Name: Molty");
    expect(await readFile(join(ws, "USER.md"), "utf8")).toMatch(
      /- Name: Ada[\s\S]*- Time zone: Europe\/Berlin/,
    );
    for (const name of [
      "AGENTS.md",
      "SOUL.md",
      "TOOLS.md",
      "MEMORY.md",
      "HEARTBEAT.md",
      "memory/README.md",
    ]) {
      await readFile(join(ws, name), "utf8");
    }
  });

  it("uses an existing OpenClaw workspace as it is", async () => {
    const ws = join(world.home.home, "openclaw-workspace");
    await mkdir(ws, { recursive: true });
    await writeFile(join(ws, "SOUL.md"), "You are Molty, a space lobster.");
    const result = await runCli(
      ["onboard", "--yes", "--workspace", ws, "--model", "openai-compatible/fake-llama"],
      world.home.env,
    );
    expect(result.code).toBe(0);
    expect(await readFile(join(ws, "SOUL.md"), "utf8")).toBe("You are Molty, a space lobster.");
    world.fake.script([{ text: "Blub." }]);
    await runCli(["agent", "-m", "who are you?"], {
      ...world.home.env,
      OPENAI_COMPATIBLE_BASE_URL: world.fake.url,
    });
    expect(world.fake.requests[0]?.system).toContain("You are Molty, a space lobster.");
  });
});

describe("agent-claw doctor", () => {
  it("passes with a reachable model, and explains each failure", async () => {
    const good = await runCli(["doctor"], world.env);
    expect(good.stdout).toMatch(/✓ config/);
    expect(good.stdout).toMatch(/✓ model: openai-compatible\/fake-llama: .*answered/);
    expect(good.stdout).toMatch(/✓ workspace: .*SOUL\.md/);
    expect(good.stdout).toMatch(
      /✓ schedule: heartbeat on, HEARTBEAT\.md empty \(no model calls\); 0 cron job\(s\)/,
    );
    expect(good.code).toBe(0);
    const bad = await runCli(["doctor"], {
      ...world.env,
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1",
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗ model: .*cannot reach/);
    expect(bad.stdout).toMatch(/→ Check the base URL/);
    const { AGENT_CLAW_MODEL: _, ...noModel } = world.env;
    const none = await runCli(["doctor"], {
      ...noModel,
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1",
    });
    expect(none.stdout).toMatch(/✗ model: not configured/);
    expect(none.stdout).toContain("AGENT_CLAW_MODEL=");
  });
});

describe("agent-claw doctor with a Telegram bot", () => {
  it("checks the bot against the Bot API, and says what to do when polling meets a webhook", async () => {
    const telegram = await startTelegramFake();
    try {
      const env = { ...world.env, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url };
      const good = await runCli(["doctor"], env);
      expect(good.stdout).toMatch(/✓ telegram: @claw_test_bot, polling/);
      await runCli(
        ["channels", "telegram", "set-webhook", "--url", "https://claw.example.com/telegram/webhook"],
        env,
      );
      expect(telegram.webhook?.url).toBe("https://claw.example.com/telegram/webhook");
      const conflicted = await runCli(["doctor"], env);
      expect(conflicted.code).toBe(1);
      expect(conflicted.stdout).toMatch(/✗ telegram: @claw_test_bot, polling/);
      expect(conflicted.stdout).toContain("delete-webhook");
      const status = await runCli(["channels", "status", "--json"], env);
      expect(JSON.parse(status.stdout).telegram).toMatchObject({
        bot: "@claw_test_bot",
        webhook: { url: "https://claw.example.com/telegram/webhook" },
      });
    } finally {
      await telegram.close();
    }
  });
});

describe("help and version", () => {
  it("has --help on every command and --version", async () => {
    for (const args of [
      ["--help"],
      ["chat", "--help"],
      ["agent", "--help"],
      ["config", "set", "--help"],
      ["sessions", "show", "--help"],
      ["doctor", "--help"],
      ["onboard", "--help"],
      ["cron", "add", "--help"],
    ]) {
      const result = await runCli(args, world.env);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/Usage: agent-claw/);
    }
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, "../../package.json"), "utf8"));
    expect((await runCli(["--version"], world.env)).stdout.trim()).toBe(pkg.version);
    const unknown = await runCli(["chta"], world.env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown command 'chta'.*Did you mean chat/s);
  });
});
