// Wall time of a whole `agent-claw agent -m` process against a zero-latency fake model over HTTP:
// Node start-up, loading the bundle, config, SQLite, the turn, and exit.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenAIChatFake } from "../test/fakes/openai-chat-server.ts";
import { BIN } from "./gateway-process.ts";
import { type Summary, summarize } from "./stats.ts";

function runOnce(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, "agent", "-m", "hi"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdout.resume();
    child.on("close", (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`exit ${code}: ${stderr}`)),
    );
  });
}

export async function benchCliProcess(runs = 15): Promise<Summary> {
  const fake = await startOpenAIChatFake({ record: false });
  const home = await mkdtemp(join(tmpdir(), "ac-bench-cli-"));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AGENT_CLAW_HOME: join(home, ".agent-claw"),
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: fake.url,
  };
  try {
    await runOnce(env); // first run creates the workspace and state.db
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await runOnce(env));
    return summarize(samples);
  } finally {
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
