// `agent-claw gateway`: runs the always-on gateway (web chat, control protocol, HTTP API, hooks)
// until SIGTERM or Ctrl-C, then drains.
import type { Command } from "commander";
import { DAMAGED_STATE_EXIT_CODE, DamagedStateError } from "../../adapters/sqlite/damaged-state.ts";
import { gatewayBanner } from "../gateway-banner.ts";
import { action, reportError, UsageError } from "../io.ts";
import { untilStopSignal } from "../stop-signals.ts";

interface GatewayFlags {
  port?: string;
  bind?: string;
}

export function registerGateway(program: Command): void {
  program
    .command("gateway")
    .description("Run the gateway: web chat, control protocol, OpenAI-compatible API and hooks")
    .option("-p, --port <port>", "port (default: gateway.port, 18789)")
    .option("-b, --bind <address>", "address to listen on (default: gateway.bind, 127.0.0.1)")
    .addHelpText(
      "after",
      "\nBinding beyond loopback needs a token: AGENT_CLAW_GATEWAY_TOKEN or gateway.token.\nSIGTERM (or Ctrl-C) finishes running turns and exits; queued messages are answered after the next start.",
    )
    .action(
      action(async (flags: GatewayFlags) => {
        const port = flags.port === undefined ? undefined : Number.parseInt(flags.port, 10);
        if (port !== undefined && !(port >= 0 && port <= 65_535)) {
          throw new UsageError(`--port must be a number from 0 to 65535, got "${flags.port}".`);
        }
        // Loaded here, not at the top: the other commands start faster without the gateway's code.
        const { startGateway } = await import("../../gateway/server.ts");
        let gateway: Awaited<ReturnType<typeof startGateway>>;
        try {
          gateway = await startGateway({ port, bind: flags.bind });
        } catch (error) {
          // Its own exit code: the service files do not restart on it (restarting cannot repair it).
          if (!(error instanceof DamagedStateError)) throw error;
          reportError(error);
          return DAMAGED_STATE_EXIT_CODE;
        }
        const stopped = untilStopSignal(["SIGTERM", "SIGINT"]);
        process.stdout.write(gatewayBanner(gateway, process.stdout.isTTY === true));
        await stopped;
        await gateway.close();
      }),
    );
}
