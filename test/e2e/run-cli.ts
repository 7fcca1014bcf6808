// Runs the built CLI as a separate process, the way a user does, with its own home folder.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

export const BIN = join(import.meta.dirname, "../../bin/agent-claw.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temporary AGENT_CLAW_HOME with a clean environment (no keys from the developer's shell). */
export async function tempHome() {
  const home = await mkdtemp(join(tmpdir(), "ac-e2e-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AGENT_CLAW_HOME: join(home, ".agent-claw"),
    NO_COLOR: "1",
    TZ: "UTC",
  };
  return { home, env, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  else child.stdin?.end();
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<CliResult> {
  return startCli(args, env, stdin).done;
}

/**
 * Runs `agent-claw gateway` on a free port until it is ready, sends `texts` through its /v1 API
 * (one request each, `user` naming the session), then stops it with SIGTERM.
 */
export async function gatewayTurns(
  env: NodeJS.ProcessEnv,
  texts: string[],
  user = "ada",
): Promise<CliResult> {
  const run = startCli(["gateway", "--port", "0"], env);
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    run.child.stdout?.on("data", (d: string) => {
      out += d;
      const found = /API:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (found) resolve(found[1]!);
    });
    void run.done.then((r) => reject(new Error(`gateway exited early (${r.code}): ${r.stderr}`)));
  });
  // Without AGENT_CLAW_GATEWAY_TOKEN the gateway made a token and keeps it in the home folder.
  const token =
    env.AGENT_CLAW_GATEWAY_TOKEN ??
    (await readFile(join(env.AGENT_CLAW_HOME!, "gateway.token"), "utf8")).trim();
  for (const text of texts) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "agent-claw", user, messages: [{ role: "user", content: text }] }),
    });
    if (response.status !== 200)
      throw new Error(`gateway answered ${response.status}: ${await response.text()}`);
  }
  run.child.kill("SIGTERM");
  return run.done;
}

/** A fake OpenAI-compatible model and a clean home per test, with the env that points the CLI at both. */
export function useCliWorld() {
  const world = {} as {
    fake: FakeModelServer;
    home: Awaited<ReturnType<typeof tempHome>>;
    env: NodeJS.ProcessEnv;
  };
  beforeEach(async () => {
    world.fake = await startOpenAIChatFake();
    world.home = await tempHome();
    world.env = {
      ...world.home.env,
      AGENT_CLAW_MODEL: "openai-compatible/fake-llama",
      OPENAI_COMPATIBLE_BASE_URL: world.fake.url,
    };
  });
  afterEach(async () => {
    await world.fake.close();
    await world.home.cleanup();
  });
  return world;
}
