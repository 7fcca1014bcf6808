// Serves the runtime until SIGTERM or SIGINT (AgentCore stops a session's microVM with SIGTERM): the port
// first, the engine on the first invocation, settings from the environment as the Lambda handlers take them.
import { untilStopSignal } from "../cli/stop-signals.ts";
import { startRuntime } from "./listen.ts";

export const RUNTIME_HOST_VARIABLE = "AGENT_CLAW_RUNTIME_HOST";

export interface RuntimeFlags {
  port: string;
  host?: string;
}

/** Contract: rejects with a sentence naming the flag for a bad port or an address it cannot listen on. */
export async function serveRuntime(flags: RuntimeFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || !Number.isInteger(port) || port > 65_535) {
    throw new Error(`--port must be a number from 0 to 65535, got "${flags.port}".`);
  }
  const host = flags.host ?? (env[RUNTIME_HOST_VARIABLE]?.trim() || "127.0.0.1");
  let last = 0;
  const server = await startRuntime({
    port,
    host,
    // Non-decreasing, as the Clock port's: /ping's time must not go back when the wall clock is set.
    now: () => (last = Math.max(last, Date.now())),
    // The engine, the AWS SDK and the AI SDK load on the first invocation, after the port is open.
    load: async (sessionId) => (await import("./aws-turn.ts")).openAwsTurn(env, sessionId),
  });
  const stopped = untilStopSignal(["SIGTERM", "SIGINT"]);
  process.stdout.write(`agent-claw runtime listening on ${server.url}\n`);
  await stopped;
  await server.close();
}

/**
 * `runtime` with only --port/-p and --host (each "--flag value" or "--flag=value"), as AgentCore's
 * container and aws dev start it; anything else (--help, a typo, a missing value) is left to commander.
 */
export function plainRuntimeFlags(args: readonly string[]): RuntimeFlags | undefined {
  if (args[0] !== "runtime") return undefined;
  const flags: RuntimeFlags = { port: "8080" };
  for (let i = 1; i < args.length; i++) {
    const [name, inline] = splitFlag(args[i]!);
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith("-")) return undefined;
    if (name === "--port" || name === "-p") flags.port = value;
    else if (name === "--host") flags.host = value;
    else return undefined;
  }
  return flags;
}

function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf("=");
  return at > 0 && arg.startsWith("--") ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, undefined];
}
