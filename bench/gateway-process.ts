// Shared by the benches that start a real gateway process: a free port, the process on a home
// folder with a fake model, the time until /readyz answers, and a stop that never hangs.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../test/free-port.ts";

export const BIN = join(import.meta.dirname, "../bin/agent-claw.js");
export const BENCH_TOKEN = "bench-token-0123456789abcdef";

/** Resolves once the gateway at `url` answers /readyz (asking as often as the loop allows, for start times). */
export async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setImmediate(r));
  }
}

/** SIGTERM, then waits for the exit; a process that has already exited is not waited for. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** From spawn until /readyz answered. */
  startMs: number;
  stop(): Promise<void>;
}

/**
 * Starts `agent-claw gateway` on `agentHome` (HOME is `home`) against the fake model at `modelUrl`,
 * with `env` added, and waits until it is ready. Its stderr shows with BENCH_DEBUG set.
 */
export async function startGatewayProcess(options: {
  home: string;
  agentHome: string;
  modelUrl: string;
  env?: Record<string, string>;
}): Promise<GatewayProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, "gateway", "--port", String(port)], {
    env: {
      PATH: process.env.PATH,
      HOME: options.home,
      AGENT_CLAW_HOME: options.agentHome,
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      OPENAI_COMPATIBLE_BASE_URL: options.modelUrl,
      AGENT_CLAW_GATEWAY_TOKEN: BENCH_TOKEN,
      ...options.env,
    },
    stdio: ["ignore", "ignore", process.env.BENCH_DEBUG ? "inherit" : "ignore"],
  });
  try {
    await waitReady(url, child);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { url, child, startMs: performance.now() - started, stop: () => stopProcess(child) };
}
