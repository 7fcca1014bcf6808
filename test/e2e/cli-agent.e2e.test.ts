// The real CLI, as a separate process, against fake model servers speaking the real wire protocols.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startAnthropicFake } from "../fakes/anthropic-messages-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { runCli, startCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

const workspace = () => join(world.env.AGENT_CLAW_HOME!, "workspace");

describe("agent-claw agent", () => {
  it("prints the model's reply, creates the workspace, and puts SOUL.md in the system prompt", async () => {
    world.fake.script([{ text: "Hello from the fake model!" }]);
    const result = await runCli(["agent", "--message", "hi"], world.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Hello from the fake model!\n");
    const soul = await readFile(join(workspace(), "SOUL.md"), "utf8");
    expect(world.fake.requests[0]?.system).toContain(soul.trim());
    expect(world.fake.requests[0]?.lastUserText).toBe("hi");
    expect(world.fake.requests[0]?.stream).toBe(true);
  });

  it("remembers: a second call in the same session sends the first exchange", async () => {
    world.fake.script([{ text: "Noted: your number is 42." }, { text: "It is 42." }]);
    await runCli(["agent", "-m", "my number is 42"], world.env);
    const second = await runCli(["agent", "-m", "what is my number?"], world.env);
    expect(second.stdout).toBe("It is 42.\n");
    expect(world.fake.requests[1]?.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "my number is 42"],
      ["assistant", "Noted: your number is 42."],
      ["user", "what is my number?"],
    ]);
    // Another session does not see it.
    await runCli(["agent", "-m", "hello", "--session", "work"], world.env);
    expect(world.fake.requests[2]?.messages.map((m) => m.text)).toEqual(["hello"]);
  });

  it("--json prints the reply, the session key and token usage", async () => {
    world.fake.script([{ text: "Sure.", usage: { inputTokens: 120, outputTokens: 7 } }]);
    const result = await runCli(["agent", "-m", "ok?", "--json"], world.env);
    expect(JSON.parse(result.stdout)).toMatchObject({
      reply: "Sure.",
      sessionKey: "agent:main:main",
      model: "openai-compatible/fake-llama",
      usage: { inputTokens: 120, outputTokens: 7 },
      stopReason: "done",
    });
  });

  it("uses workspace tools the model calls, and the tools stay inside the workspace", async () => {
    world.fake.script([
      { toolCalls: [{ name: "write", input: { path: "notes/todo.md", content: "- buy milk\n" } }] },
      { toolCalls: [{ name: "read", input: { path: "../../etc/passwd" } }] },
      (request) => ({
        text: `Done. Last tool said: ${request.messages.at(-1)?.toolResults[0]?.output.slice(0, 60)}`,
      }),
    ]);
    const result = await runCli(["agent", "-m", "note that I need milk"], world.env);
    expect(result.code).toBe(0);
    expect(await readFile(join(workspace(), "notes/todo.md"), "utf8")).toBe("- buy milk\n");
    expect(result.stdout).toMatch(/Done\. Last tool said: .*leaves the workspace/);
    expect(result.stderr).toContain("⚙ write");
    expect(world.fake.requests[0]?.toolNames).toEqual(
      expect.arrayContaining(["read", "write", "edit", "list", "exec", "web_fetch"]),
    );
  });

  it("denies exec without a terminal to ask, unless the command is allowlisted", async () => {
    await mkdir(world.env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(
      join(world.env.AGENT_CLAW_HOME!, "config.json"),
      JSON.stringify({ tools: { exec: { allowlist: ["echo allowed*"] } } }),
    );
    world.fake.script([
      { toolCalls: [{ name: "exec", input: { command: "echo sneaky > owned.txt" } }] },
      { toolCalls: [{ name: "exec", input: { command: "echo allowed run" } }] },
      { text: "ok" },
    ]);
    await runCli(["agent", "-m", "run things"], world.env);
    const results = world.fake.requests[2]?.messages
      .filter((m) => m.role === "tool")
      .flatMap((m) => m.toolResults);
    expect(results?.[0]?.output).toMatch(/not approved/);
    expect(results?.[1]?.output).toContain("allowed run");
    await expect(readFile(join(workspace(), "owned.txt"))).rejects.toThrow();
  });

  it("works with the Anthropic provider too", async () => {
    const anthropic = await startAnthropicFake({ apiKey: "sk-ant-test-key-123456" });
    try {
      anthropic.script([{ text: "Bonjour." }]);
      const result = await runCli(["agent", "-m", "salut"], {
        ...world.home.env,
        AGENT_CLAW_MODEL: "anthropic/claude-test",
        ANTHROPIC_BASE_URL: anthropic.url,
        ANTHROPIC_API_KEY: "sk-ant-test-key-123456",
      });
      expect(result.stdout).toBe("Bonjour.\n");
      expect(anthropic.requests[0]?.system).toContain("SOUL.md");
    } finally {
      await anthropic.close();
    }
  });

  it("explains a refused API key without printing the key", async () => {
    const strict = await startOpenAIChatFake({ apiKey: "right-key" });
    try {
      const result = await runCli(["agent", "-m", "hi"], {
        ...world.home.env,
        AGENT_CLAW_MODEL: "openai/gpt-test",
        OPENAI_BASE_URL: strict.url,
        OPENAI_API_KEY: "sk-wrong-key-0123456789abcdef",
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused the credentials \(401\).*Check OPENAI_API_KEY/);
      expect(result.stderr).not.toContain("sk-wrong-key");
    } finally {
      await strict.close();
    }
  });

  it("hides a key kept in config.json when the provider's error echoes it", async () => {
    const key = "cfgkeyabcdefghijklmnopqrstuvwxyz";
    world.fake.script([{ error: { status: 400, message: `no such model for key ${key}` } }]);
    await mkdir(world.env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(
      join(world.env.AGENT_CLAW_HOME!, "config.json"),
      JSON.stringify({ providers: { openaiCompatible: { apiKey: key } } }),
    );
    const plain = await runCli(["agent", "-m", "hi"], world.env);
    expect(plain.stderr).toMatch(/rejected the request \(400\).*no such model for key \[redacted\]/);
    world.fake.script([{ error: { status: 400, message: `no such model for key ${key}` } }]);
    const json = await runCli(["agent", "-m", "hi", "--json"], world.env);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "model", message: /\[redacted\]/ } });
    expect(plain.stdout + plain.stderr + json.stdout + json.stderr).not.toContain(key);
  });

  it("says exactly what to set when no model is configured", async () => {
    const { AGENT_CLAW_MODEL: _, ...noModel } = world.env;
    const result = await runCli(["agent", "-m", "hi"], {
      ...noModel,
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No model is configured. `agent-claw onboard` sets one up");
    expect(result.stderr).toContain("AGENT_CLAW_MODEL=anthropic/");
    expect(result.stderr).toContain("OPENAI_COMPATIBLE_BASE_URL");
    expect(world.fake.requests).toHaveLength(0);
  });

  it("names the file and the key of a broken config, and changes nothing", async () => {
    await mkdir(world.env.AGENT_CLAW_HOME!, { recursive: true });
    const file = join(world.env.AGENT_CLAW_HOME!, "config.json");
    await writeFile(file, '{ "session": { "dmScope": "everybody" } }');
    const result = await runCli(["agent", "-m", "hi"], world.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain("session.dmScope");
    expect(await readFile(file, "utf8")).toBe('{ "session": { "dmScope": "everybody" } }');
    expect(world.fake.requests).toHaveLength(0);
  });
});

describe("crash safety", () => {
  it("a kill -9 mid-turn loses no earlier turn, and the next turn sends a repaired history", async () => {
    await mkdir(world.env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(
      join(world.env.AGENT_CLAW_HOME!, "config.json"),
      JSON.stringify({ tools: { exec: { allowlist: ["sleep 30"] } } }),
    );
    world.fake.script([
      { text: "First answer." },
      { toolCalls: [{ name: "exec", input: { command: "sleep 30" }, id: "call_sleep" }] },
    ]);
    await runCli(["agent", "-m", "first"], world.env);
    const { child, done } = startCli(["agent", "-m", "second"], world.env);
    // Wait until the tool call is durable (the tool is sleeping), then kill the process hard.
    const sessionsDir = join(world.env.AGENT_CLAW_HOME!, "sessions");
    for (;;) {
      const files = (await readdir(sessionsDir).catch(() => [])).filter((f) => f.endsWith(".jsonl"));
      const text = files.length ? await readFile(join(sessionsDir, files[0]!), "utf8") : "";
      if (text.includes('"tool-call"')) break;
      await new Promise((r) => setImmediate(r));
    }
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");

    world.fake.script([{ text: "Third answer." }]);
    const third = await runCli(["agent", "-m", "third"], world.env);
    expect(third.stdout).toBe("Third answer.\n");
    const history = world.fake.requests.at(-1)!.messages;
    expect(history.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "tool", "user"]);
    expect(history[1]?.text).toBe("First answer.");
    expect(history[3]?.toolCalls[0]?.id).toBe("call_sleep");
    expect(history[4]?.toolResults[0]).toMatchObject({ id: "call_sleep" });
    expect(history[4]?.toolResults[0]?.output).toMatch(/interrupted/);
  });
});

describe("agent-claw agent --json, when it fails", () => {
  const jsonError = (stdout: string) => JSON.parse(stdout) as { error: { code: string; message: string } };

  it("prints the error as one JSON object on stdout and exits 1", async () => {
    const { AGENT_CLAW_MODEL: _, ...noModel } = world.env;
    const result = await runCli(["agent", "-m", "hi", "--json"], {
      ...noModel,
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const { error } = jsonError(result.stdout);
    expect(error.code).toBe("no_model");
    expect(error.message).toMatch(/No model is configured/);
  });

  it("gives a missing message and a refused key their own codes, without the key", async () => {
    const missing = await runCli(["agent", "--json"], world.env);
    expect(missing.code).toBe(1);
    expect(jsonError(missing.stdout).error).toMatchObject({
      code: "usage",
      message: /Pass the message with -m/,
    });
    const unknown = await runCli(["agent", "-m", "hi", "--json", "--bogus"], world.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("");
    expect(jsonError(unknown.stdout).error).toEqual({ code: "usage", message: "unknown option '--bogus'" });

    const strict = await startOpenAIChatFake({ apiKey: "right-key" });
    try {
      const refused = await runCli(["agent", "-m", "hi", "--json"], {
        ...world.home.env,
        AGENT_CLAW_MODEL: "openai/gpt-test",
        OPENAI_BASE_URL: strict.url,
        OPENAI_API_KEY: "sk-wrong-key-0123456789abcdef",
      });
      expect(refused.code).toBe(1);
      expect(jsonError(refused.stdout).error).toMatchObject({ code: "model", message: /\(401\)/ });
      expect(refused.stdout + refused.stderr).not.toContain("sk-wrong-key");
    } finally {
      await strict.close();
    }
  });
});
