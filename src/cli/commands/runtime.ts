// `agent-claw runtime`: serves AgentCore Runtime's HTTP contract (/ping, /invocations) for the
// serverless engine, with settings from the environment as the Lambda handlers take them. It imports
// nothing of the rest of the CLI: src/runtime/main.ts runs it alone, for a fast cold start.
import type { Command } from "commander";
import { createSystemClock } from "../../util/system-clock.ts";

export const RUNTIME_HOST_VARIABLE = "AGENT_CLAW_RUNTIME_HOST";

interface RuntimeFlags {
  port: string;
  host?: string;
}

export function registerRuntime(program: Command): void {
  program
    .command("runtime")
    .description("Serve AgentCore Runtime's HTTP contract (GET /ping, POST /invocations) on the AWS engine")
    .option("-p, --port <port>", "port", "8080")
    .option("--host <address>", `address to listen on (default: $${RUNTIME_HOST_VARIABLE}, else 127.0.0.1)`)
    .addHelpText(
      "after",
      `\nInside the AgentCore container set --host 0.0.0.0 (or ${RUNTIME_HOST_VARIABLE}=0.0.0.0); anywhere else the\ndefault keeps it on this machine. Settings come from the environment as for the Lambda handlers\n(AGENT_CLAW_AWS_*, AGENT_CLAW_CONFIG, the model's keys); they are read on the first invocation.\nOne turn runs at a time: an invocation while one runs gets 409, and /ping says HealthyBusy.`,
    )
    .action(async (flags: RuntimeFlags) => {
      try {
        await serveRuntime(flags);
      } catch (error) {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

async function serveRuntime(flags: RuntimeFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be a number from 0 to 65535, got "${flags.port}".`);
  }
  const host = flags.host ?? process.env[RUNTIME_HOST_VARIABLE] ?? "127.0.0.1";
  const { startRuntime } = await import("../../runtime/server.ts");
  const server = await startRuntime({
    port,
    host,
    now: createSystemClock().now,
    // The engine, the AWS SDK and the AI SDK load on the first invocation, after the port is open.
    load: async (sessionId) =>
      (await import("../../runtime/aws-turn.ts")).openAwsTurn(process.env, sessionId),
  });
  process.stdout.write(`agent-claw runtime listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      void server.close().then(resolve);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
