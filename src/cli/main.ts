// The agent-claw command line: one file per subcommand under commands/.
import { Command } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { registerAgent } from "./commands/agent.ts";
import { registerAws } from "./commands/aws.ts";
import { registerChannels } from "./commands/channels.ts";
import { registerChat } from "./commands/chat.ts";
import { registerConfig } from "./commands/config.ts";
import { registerCron } from "./commands/cron.ts";
import { registerDaemon } from "./commands/daemon.ts";
import { registerDeploy } from "./commands/deploy.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { registerGateway } from "./commands/gateway.ts";
import { registerMemory } from "./commands/memory.ts";
import { registerOnboard } from "./commands/onboard.ts";
import { registerPairing } from "./commands/pairing.ts";
import { registerRuntime } from "./commands/runtime.ts";
import { registerSessions } from "./commands/sessions.ts";
import { registerUsage } from "./commands/usage.ts";

// The AI SDK prints provider warnings on the console; in a terminal chat they are noise.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const program = new Command("agent-claw")
  .description("Your own always-on AI assistant: chat apps, plain-file memory, tools, schedules.")
  .version(pkg.version, "-v, --version", "print the version")
  .helpOption("-h, --help", "show help")
  .showHelpAfterError("(run with --help for usage)")
  .addHelpText(
    "after",
    "\nStart here:\n  agent-claw onboard       set the model and create the workspace\n  agent-claw gateway       run the assistant (web chat, API); what npm start does\n  agent-claw chat          talk to the assistant in the terminal\n  agent-claw doctor        check that everything works\n\nFiles live in ~/.agent-claw (AGENT_CLAW_HOME moves them).",
  );

registerGateway(program);
registerChat(program);
registerAgent(program);
registerOnboard(program);
registerConfig(program);
registerSessions(program);
registerUsage(program);
registerMemory(program);
registerPairing(program);
registerCron(program);
registerDoctor(program);
registerDaemon(program);
registerChannels(program);
registerAws(program);
registerDeploy(program);
registerRuntime(program);

await program.parseAsync(process.argv);
