// The daemon as a CrashWorld: `agent-claw gateway` in a process of its own (run from source), so a
// test can kill it with SIGKILL in the middle of a turn and start it again on the same home and port.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect } from "vitest";
import { startOpenAIChatFake } from "../../fakes/openai-chat-server.ts";
import { startTelegramFake } from "../../fakes/telegram-bot-api.ts";
import { freePort } from "../../free-port.ts";
import { type CrashWorld, SECRET, telegramSettings } from "./chat-world.ts";

const MAIN = join(import.meta.dirname, "../../../src/cli/main.ts");

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; output: string }>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, output })),
  );
  return { child, exited };
}

/** Starts the gateway process and resolves once it says where it listens. */
async function startGateway(env: NodeJS.ProcessEnv, port: number): Promise<Run> {
  const gateway = run(["gateway", "--port", String(port)], env);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    gateway.child.stdout?.on("data", (d: string) => {
      out += d;
      if (out.includes(`http://127.0.0.1:${port}`)) resolve();
    });
    void gateway.exited.then((r) => reject(new Error(`gateway exited early (${r.code}): ${r.output}`)));
  });
  return gateway;
}

export async function startDaemonProcessWorld(config: Record<string, unknown> = {}): Promise<CrashWorld> {
  const home = await mkdtemp(join(tmpdir(), "ac-behaviour-process-"));
  const [model, telegram, port] = await Promise.all([startOpenAIChatFake(), startTelegramFake(), freePort()]);
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({ channels: { telegram: telegramSettings() }, ...config }),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AGENT_CLAW_HOME: home,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: model.url,
    AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    NO_COLOR: "1",
    TZ: "UTC",
  };
  let gateway = await startGateway(env, port);
  const state = new DatabaseSync(join(home, "state.db"), { readOnly: true });
  const queued = state.prepare("SELECT count(*) AS n FROM queue_messages");
  const undelivered = state.prepare(
    "SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL AND deliver_to IS NOT NULL",
  );
  const idle = () => Number(queued.get()?.["n"]) === 0 && Number(undelivered.get()?.["n"]) === 0;

  return {
    engine: "daemon",
    telegram,
    model,
    async post(update) {
      const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
      return response.status;
    },
    async approvePairing(code) {
      const result = await run(["pairing", "approve", "telegram", code], env).exited;
      if (result.code !== 0) throw new Error(`pairing approve failed (${result.code}): ${result.output}`);
    },
    async quiet(timeoutMs = 20_000) {
      await expect.poll(idle, { timeout: timeoutMs, interval: 20 }).toBe(true);
    },
    deadLetters: async () => [],
    async killRunner() {
      gateway.child.kill("SIGKILL");
      await gateway.exited;
      gateway = await startGateway(env, port);
    },
    async close() {
      state.close();
      gateway.child.kill("SIGTERM");
      await gateway.exited;
      await Promise.all([telegram.close(), model.close()]);
      await rm(home, { recursive: true, force: true });
    },
  };
}
