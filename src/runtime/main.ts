// The entry `agent-claw runtime` starts from (bin/agent-claw.js hands it over here, not to dist/cli.js;
// the container runs it directly). `runtime` with only --port/--host, as AgentCore and aws dev start it,
// opens the port before anything else loads (/ping within AgentCore's cold-start budget); anything else
// (--help, a mistake) goes through commander for its help and messages.
import { plainRuntimeFlags, serveRuntime } from "./serve.ts";

const flags = plainRuntimeFlags(process.argv.slice(2));
if (flags) {
  try {
    await serveRuntime(flags);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
} else {
  const [{ Command }, { registerRuntime }] = await Promise.all([
    import("commander"),
    import("../cli/commands/runtime.ts"),
  ]);
  const program = new Command("agent-claw");
  registerRuntime(program);
  await program.parseAsync(process.argv);
}
