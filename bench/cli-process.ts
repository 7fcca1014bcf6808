// Wall time of whole CLI processes started the way a user starts them: the bin as a command, by its
// `#!/usr/bin/env node` line, on the user's PATH (without the node_modules/.bin npm puts first), so an
// old system Node and the hand-over to the project's Node count. `agent -m` runs against a
// zero-latency fake model over HTTP: Node start-up, the bundle, config, SQLite, the turn, and exit.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { startOpenAIChatFake } from "../test/fakes/openai-chat-server.ts";
import { BIN } from "./gateway-process.ts";
import { type Summary, summarize } from "./stats.ts";

const userPath = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => !dir.includes("node_modules"))
  .join(delimiter);

function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(BIN, args, { env: { ...env, PATH: userPath }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdout.resume();
    child.on("close", (code) => {
      const ms = performance.now() - start;
      // Warnings on stderr are part of what the user sees: a noisy run does not count as a sample.
      if (code === 0 && stderr === "") resolve(ms);
      else reject(new Error(`agent-claw ${args.join(" ")}: exit ${code}: ${stderr}`));
    });
  });
}

async function sample(args: string[], env: NodeJS.ProcessEnv, runs: number): Promise<Summary> {
  await runOnce(args, env); // the first run fills the compile cache (and creates the workspace)
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(args, env));
  return summarize(samples);
}

export interface CliProcessResult {
  /** `agent-claw --version`. */
  version: Summary;
  /** `agent-claw agent -m hi` against the fake model. */
  agent: Summary;
}

export async function benchCliProcess(runs = 15): Promise<CliProcessResult> {
  const fake = await startOpenAIChatFake({ record: false });
  const home = await mkdtemp(join(tmpdir(), "ac-bench-cli-"));
  const env = {
    HOME: home,
    AGENT_CLAW_HOME: join(home, ".agent-claw"),
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: fake.url,
  };
  try {
    return {
      version: await sample(["--version"], env, runs),
      agent: await sample(["agent", "-m", "hi"], env, runs),
    };
  } finally {
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
