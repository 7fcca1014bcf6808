// Time from spawning `agent-claw runtime` to its first answered GET /ping, as AgentCore waits for it on a
// session's cold start (the issue's target: 200 ms). Each way the runtime can be started is measured:
// the bin (as a user runs it), dist/runtime.js, and the container's self-contained dist/agentcore/runtime.mjs.
// `node bench/runtime-first-ping.ts [runs]` prints them alone.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { freePort } from "../test/free-port.ts";
import { type Summary, summarize } from "./stats.ts";

const root = join(import.meta.dirname, "..");
const FLOOR =
  'const p = process.argv[process.argv.indexOf("--port") + 1]; require("node:http").createServer((q, s) => s.end("{}")).listen(Number(p), "127.0.0.1");';

/** One GET /ping; resolves with the status, rejects while nothing listens. */
function ping(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/ping", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

async function firstPing(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const start = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...args, "runtime", "--port", String(port)], {
    env,
    stdio: "ignore",
  });
  try {
    const deadline = start + 10_000;
    for (;;) {
      try {
        if ((await ping(port)) === 200) return performance.now() - start;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ECONNREFUSED") throw error;
      }
      if (performance.now() > deadline) throw new Error(`${args.join(" ")} did not answer /ping in 10 s`);
    }
  } finally {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
}

export interface RuntimeFirstPing {
  /** Label → first /ping after spawn. */
  [start: string]: Summary;
}

export async function benchRuntimeFirstPing(runs = 15): Promise<RuntimeFirstPing> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const starts: Record<string, string[]> = {
    // The floor: Node itself serving a port, nothing of agent-claw loaded.
    "node alone, a node:http server (floor)": ["-e", FLOOR],
    "bin/agent-claw.js runtime": [join(root, "bin/agent-claw.js")],
    "node dist/runtime.js runtime": [join(root, "dist/runtime.js")],
  };
  const bundle = join(root, "dist/agentcore/runtime.mjs");
  if (existsSync(bundle)) starts["node dist/agentcore/runtime.mjs runtime"] = [bundle];
  const entries = Object.entries(starts);
  // The first run of each fills the OS file cache and the compile cache.
  for (const [, args] of entries) await firstPing(args, env);
  // Round by round, so a busy moment on the machine falls on every variant alike.
  const samples = new Map<string, number[]>(entries.map(([label]) => [label, []]));
  for (let i = 0; i < runs; i++) {
    for (const [label, args] of entries) samples.get(label)!.push(await firstPing(args, env));
  }
  const results: RuntimeFirstPing = {};
  for (const [label, values] of samples) results[label] = summarize(values);
  return results;
}

if (import.meta.main) {
  const { report } = await import("./stats.ts");
  const runs = Number(process.argv[2] ?? 15);
  for (const [label, summary] of Object.entries(await benchRuntimeFirstPing(runs))) {
    process.stdout.write(`${report(`first /ping: ${label}`, summary, { p50: 200 })}\n`);
  }
}
