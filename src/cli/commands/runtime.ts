// `agent-claw runtime`: serves AgentCore Runtime's HTTP contract (/ping, /invocations) for the
// serverless engine, with settings from the environment as the Lambda handlers take them. It imports
// nothing of the rest of the CLI: src/runtime/main.ts runs it alone, for a fast cold start.
import type { Command } from "commander";
import { RUNTIME_HOST_VARIABLE, type RuntimeFlags } from "../../runtime/serve.ts";

export { RUNTIME_HOST_VARIABLE } from "../../runtime/serve.ts";

export function registerRuntime(program: Command): void {
  program
    .command("runtime")
    .description("Serve AgentCore Runtime's HTTP contract (GET /ping, POST /invocations) on the AWS engine")
    .option("-p, --port <port>", "port", "8080")
    .option("--host <address>", `address to listen on (default: $${RUNTIME_HOST_VARIABLE}, else 127.0.0.1)`)
    .addHelpText(
      "after",
      `\nInside the AgentCore container set --host 0.0.0.0 (or ${RUNTIME_HOST_VARIABLE}=0.0.0.0); anywhere else the\ndefault keeps it on this machine. Settings come from the environment as for the Lambda handlers\n(AGENT_CLAW_AWS_*, AGENT_CLAW_CONFIG, the model's keys); they are read on the first invocation.\nOne turn runs at a time: an invocation while one runs gets 409, and /ping says HealthyBusy.\nThe process serves one runtime session: the first session id invoked; another id gets 409.\nIts disk copy of the workspace lives in $AGENT_CLAW_RUNTIME_DIR (default /mnt/session when mounted,\nelse the temp folder); exec runs there, only commands on tools.exec.allowlist (nobody can approve).`,
    )
    .action(async (flags: RuntimeFlags) => {
      try {
        const { serveRuntime } = await import("../../runtime/serve.ts");
        await serveRuntime(flags);
      } catch (error) {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}
