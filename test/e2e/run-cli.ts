// Runs the built CLI as a separate process, the way a user does, with its own home folder.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
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
