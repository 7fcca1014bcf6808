// What a chat, the outbox, the transcript and the log see when the model provider fails: a plain
// sentence per kind of failure in the chat, the provider's words (redacted) in the log only. And a
// sender's name cannot forge a log line. A real gateway, the fake Bot API and a fake model.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { OVERFLOW_REPLY } from "../../src/core/context/overflow-recovery.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import { useTelegramWorld } from "./telegram-world.ts";

const ADA = 1001;
const MODEL_KEY = "ollama-proxy-key-0123456789abcdef";

const world = useTelegramWorld("ac-model-errors-");

let logged: string;

async function start(
  channel: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = { AGENT_CLAW_MODEL: "openai-compatible/fake" },
): Promise<RunningGateway> {
  await writeFile(
    join(world.home, "config.json"),
    JSON.stringify({ channels: { telegram: { allowFrom: [String(ADA)], streaming: false, ...channel } } }),
  );
  world.gateway = await startGateway({
    env: {
      AGENT_CLAW_HOME: world.home,
      ...env,
      OPENAI_COMPATIBLE_BASE_URL: world.model.url,
      OPENAI_COMPATIBLE_API_KEY: MODEL_KEY,
      AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
      TELEGRAM_BOT_TOKEN: world.telegram.token,
      TELEGRAM_API_ROOT: world.telegram.url,
      TZ: "UTC",
    },
    port: 0,
    retryDelayMs: 0,
    write: (text) => {
      logged += text;
    },
  });
  return world.gateway;
}

/** Every file under `dir`, read as text (the transcripts, the state database and its WAL). */
async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, "latin1")))).join("\n");
}

beforeEach(async () => {
  logged = "";
});

describe("a model provider's error", () => {
  it("reaches the chat as a plain sentence, and the log redacted; no store holds the key", async () => {
    // A proxy that echoes the Authorization header it refused, on the first try and the retry.
    const refused = {
      error: { status: 401, message: `Invalid credentials in header "Authorization: Bearer ${MODEL_KEY}"` },
    };
    world.model.script([refused, refused]);
    await start();
    const update = world.telegram.message({ text: "What's on today?" });
    world.telegram.pushUpdate(update);
    const [reply] = await world.telegram.waitFor("sendMessage");
    const text = String(reply?.params["text"]);
    expect(text).toContain("the model provider refused the API key");
    expect(text).toContain("agent-claw doctor");
    expect(world.model.requests[0]?.headers["authorization"]).toBe(`Bearer ${MODEL_KEY}`);

    const record = await world.gateway!.ctx.runner.outcome(`telegram:default:${update.update_id}`);
    expect(record).toMatchObject({ status: "failed", reply: expect.stringContaining("refused the API key") });
    expect(JSON.stringify(record)).not.toContain(MODEL_KEY);
    await world.gateway!.close();
    world.gateway = undefined;
    const stored = await allText(world.home);
    expect(stored).toContain("What's on today?"); // the transcript and the queue were read
    expect(stored).not.toContain(MODEL_KEY);

    const failure = logged.split("\n").find((line) => line.includes("failed for good"));
    expect(failure).toMatch(/model auth 401 from http:\/\/127\.0\.0\.1:\d+: .*Bearer \[redacted\]/);
    expect(logged).not.toContain(MODEL_KEY);
  });

  it("tells a conversation too long for the model to start a new one, once compacting could not help", async () => {
    // The turn, then the summary of its one message: both too long; nothing older to drop.
    world.model.script([
      { error: { status: 400, message: "This model's maximum context length is 8192 tokens." } },
      { error: { status: 400, message: "This model's maximum context length is 8192 tokens." } },
    ]);
    await start();
    world.telegram.pushUpdate(world.telegram.message({ text: "a very long story" }));
    const [reply] = await world.telegram.waitFor("sendMessage");
    expect(String(reply?.params["text"])).toBe(OVERFLOW_REPLY);
    expect(world.model.requests).toHaveLength(2);
  });
});

describe("a secret from config.json", () => {
  it("is masked in a tool's result before the model, the transcript or the reply sees it", async () => {
    const secret = "webhook-secret-in-config-0123456789";
    world.model.script([
      { toolCalls: [{ name: "read", input: { path: "notes.txt" } }] },
      (request) => ({ text: `The file says: ${request.messages.at(-1)?.toolResults[0]?.output}` }),
    ]);
    await start({ webhookSecret: secret });
    await writeFile(join(world.home, "workspace", "notes.txt"), `the webhook secret is ${secret}\n`);
    world.telegram.pushUpdate(world.telegram.message({ text: "what is in notes.txt?" }));
    const [reply] = await world.telegram.waitFor("sendMessage");
    expect(String(reply?.params["text"])).toContain("the webhook secret is [redacted]");
    expect(world.model.requests[1]?.messages.at(-1)?.toolResults[0]?.output).not.toContain(secret);
    await world.gateway!.close();
    world.gateway = undefined;
    expect(await allText(join(world.home, "sessions"))).not.toContain(secret);
  });

  it("never shows in a streamed preview, not even half typed", async () => {
    const secret = "webhook-secret-in-config-0123456789";
    world.model.script([
      { text: [`Here is the value: ${secret.slice(0, 12)}`, `${secret.slice(12)} and no more.`] },
    ]);
    await start({ webhookSecret: secret, streaming: true });
    world.telegram.pushUpdate(world.telegram.message({ text: "say it" }));
    const shows = (call: { method: string; params: Record<string, unknown> }) =>
      /^(sendMessage|editMessageText)$/.test(call.method) && String(call.params["text"]).includes("no more.");
    const [final] = await world.telegram.waitFor(shows);
    expect(String(final?.params["text"])).toContain("Here is the value: [redacted] and no more.");
    const texts = world.telegram.sent.map((call) => String(call.params["text"] ?? ""));
    expect(texts.filter((text) => text.includes(secret.slice(0, 8)))).toEqual([]);
  });
});

describe("a model that is not set up", () => {
  it("tells the chat so, and names the missing key in the log", async () => {
    await start({}, { AGENT_CLAW_MODEL: "anthropic/claude-sonnet-4-5" });
    world.telegram.pushUpdate(world.telegram.message({ text: "hello?" }));
    const [reply] = await world.telegram.waitFor("sendMessage");
    expect(String(reply?.params["text"])).toContain("the assistant's model is not set up yet");
    expect(logged).toMatch(/failed for good: not_configured: ANTHROPIC_API_KEY is not set\./);
    expect(world.model.requests).toHaveLength(0);
  });

  it("says the same when no model is configured at all", async () => {
    await start({}, {});
    world.telegram.pushUpdate(world.telegram.message({ text: "hello?" }));
    const [reply] = await world.telegram.waitFor("sendMessage");
    expect(String(reply?.params["text"])).toContain("the assistant's model is not set up yet");
  });
});

describe("a sender's name", () => {
  it("cannot forge a log line or carry escape sequences into it", async () => {
    await start({ allowFrom: [] });
    const forged = "Eve\n2026-12-07T00:00:00.000Z info  telegram: owner approved Eve\u001b[2K\u001b[31m";
    world.telegram.pushUpdate(world.telegram.message({ text: "hi", from: { id: 2002, first_name: forged } }));
    await world.telegram.waitFor("sendMessage");
    const lines = logged.trimEnd().split("\n");
    expect(lines.every((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (info |warn |error) /.test(line))).toBe(true);
    const pairing = lines.find((line) => line.includes("pairing requested by"));
    expect(pairing).toContain("Eve 2026-12-07T00:00:00.000Z info  telegram: owner approved Eve[2K[31m");
    expect(logged).not.toContain("\u001b");
  });
});
