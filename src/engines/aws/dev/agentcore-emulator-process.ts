// One AgentCore runtime session's "microVM" on this machine: an `agent-claw runtime` process of its own
// (its own process group, so a shell the agent started dies with it), its port, and its /ping.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { lambdaDir } from "./handler-env.ts";

/** What `/ping` answered last; `time_of_last_update` is absent when the runtime left it out. */
export interface PingReading {
  status: string;
  time_of_last_update?: number;
}

/** How a runtime process is started: `file args… --port P --host 127.0.0.1` is appended by the emulator. */
export interface RuntimeCommand {
  file: string;
  args: string[];
}

/**
 * The runtime bundle of this checkout: dist/agentcore/runtime.mjs (the container's entry) when it was
 * built, else dist/runtime.js (what `agent-claw runtime` runs), both under the Node running this.
 */
export function defaultRuntimeCommand(): RuntimeCommand {
  const dist = dirname(lambdaDir());
  const container = join(dist, "agentcore", "runtime.mjs");
  const entry = existsSync(container) ? container : join(dist, "runtime.js");
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run \`npm run build\` in the agent-claw checkout first.`);
  }
  return { file: process.execPath, args: [entry, "runtime"] };
}

/** A free loopback port, as AgentCore gives each microVM its own 8080. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RuntimeProcess {
  readonly pid: number;
  readonly url: string;
  /** Resolves once the process has exited (whatever ended it). */
  readonly exited: Promise<void>;
  /** Whether it has exited. */
  readonly dead: boolean;
  /** GET /ping within `timeoutMs`; undefined when it did not answer a JSON status. */
  ping(timeoutMs: number): Promise<PingReading | undefined>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it exited. */
  kill(graceMs?: number): Promise<void>;
  /** SIGKILL to the group at once, synchronously (for process exit). */
  killNow(): void;
}

/** Spawns the runtime on a free port with `env`; its output lines go to `log`. */
export async function spawnRuntime(
  command: RuntimeCommand,
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<RuntimeProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    command.file,
    [...command.args, "--port", String(port), "--host", "127.0.0.1"],
    // A group of its own: killing it ends whatever the agent's exec tool started, as a microVM's end does.
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let dead = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      dead = true;
      resolve();
    });
    child.once("error", (error) => {
      log(`cannot start the runtime: ${error.message}`);
      dead = true;
      resolve();
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(line);
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (dead || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    pid: child.pid ?? -1,
    url,
    exited,
    get dead() {
      return dead;
    },
    async ping(timeoutMs) {
      if (dead) return undefined;
      try {
        const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return undefined;
        const body = (await response.json()) as Record<string, unknown>;
        if (typeof body["status"] !== "string") return undefined;
        const stamp = body["time_of_last_update"];
        return {
          status: body["status"],
          ...(typeof stamp === "number" && Number.isFinite(stamp) && { time_of_last_update: stamp }),
        };
      } catch {
        return undefined;
      }
    },
    async kill(graceMs = 2_000) {
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // The runtime is gone; anything left in its group (an exec'd shell) goes with it.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // No one left.
        }
      }
    },
    killNow() {
      signalGroup("SIGKILL");
    },
  };
}
