// The entry `agent-claw runtime` starts from (bin/agent-claw.js hands it over here, not to dist/cli.js):
// it loads only the server, so the port answers /ping within AgentCore's cold-start budget.
import { Command } from "commander";
import { registerRuntime } from "../cli/commands/runtime.ts";

const program = new Command("agent-claw");
registerRuntime(program);
await program.parseAsync(process.argv);
