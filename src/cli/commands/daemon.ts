// `agent-claw daemon install|uninstall|restart|status|logs`: run the gateway as a login service
// (a systemd user unit on Linux, a launchd agent on macOS), resolved once with absolute paths.
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { type CommandRunner, runCommand } from "../../daemon/command-runner.ts";
import {
  createServiceManager,
  type ServiceManager,
  type ServiceStatus,
  servicePlatform,
} from "../../daemon/service-manager.ts";
import { DaemonError, describePlan, executePlan } from "../../daemon/service-plan.ts";
import { buildServiceSpec, type ServiceSpec } from "../../daemon/service-spec.ts";
import { redact, secretValues } from "../../util/redact.ts";
import { action, UsageError } from "../io.ts";

/** What the daemon commands touch, injectable so tests use a fake runner and a temp HOME. */
export interface DaemonDeps {
  env: NodeJS.ProcessEnv;
  runner: CommandRunner;
  /** process.platform; --platform overrides it. */
  platform: string;
  /** Where output goes (secrets are masked first). */
  out: (text: string) => void;
  uid?: number;
  user?: string;
  nodePath?: string;
  cliScript?: string;
}

interface PlatformFlag {
  platform?: string;
}

/** The daemon commands as functions resolving to an exit code. */
export function daemonCommands(deps: DaemonDeps) {
  const secrets = secretValues(deps.env);
  const print = (lines: string[]) => deps.out(redact(`${lines.join("\n")}\n`, secrets));
  const manager = (flags: PlatformFlag): ServiceManager => {
    if (flags.platform !== undefined && !["linux", "darwin"].includes(flags.platform)) {
      throw new UsageError(`--platform must be linux or darwin, got "${flags.platform}".`);
    }
    return createServiceManager({
      platform: servicePlatform(flags.platform ?? deps.platform),
      env: deps.env,
      runner: deps.runner,
      uid: deps.uid,
      user: deps.user,
    });
  };
  const progress = (line: string) => print([line]);

  return {
    async install(flags: PlatformFlag & { dryRun?: boolean }): Promise<number> {
      const service = manager(flags);
      const spec = buildServiceSpec({ env: deps.env, nodePath: deps.nodePath, cliScript: deps.cliScript });
      const plan = service.installPlan(spec);
      const names = Object.keys(spec.env);
      const carried = `Carried into the service (values hidden): ${names.length > 0 ? names.join(", ") : "nothing"}`;
      const warnings = await installWarnings(deps.env, spec);
      if (flags.dryRun) {
        print([
          `Dry run (${service.manager}): nothing is written or run.`,
          "",
          ...describePlan(plan),
          "",
          carried,
          ...warnings,
        ]);
        return 0;
      }
      await executePlan(plan, deps.runner, progress);
      print(["", ...service.afterInstall(spec), "", carried, ...warnings]);
      return 0;
    },

    async uninstall(flags: PlatformFlag & { dryRun?: boolean }): Promise<number> {
      const service = manager(flags);
      const plan = await service.uninstallPlan();
      if (plan.length === 0) {
        print([`The gateway service is not installed (no ${service.serviceFile}); nothing to remove.`]);
        return 0;
      }
      if (flags.dryRun) {
        print([`Dry run (${service.manager}): nothing is removed or run.`, "", ...describePlan(plan)]);
        return 0;
      }
      await executePlan(plan, deps.runner, progress);
      print([
        `The gateway service is removed. Your config, workspace and logs in ${resolvePaths(deps.env).home} are kept.`,
      ]);
      return 0;
    },

    async restart(flags: PlatformFlag): Promise<number> {
      await executePlan(manager(flags).restartPlan(), deps.runner, progress);
      return 0;
    },

    async status(flags: PlatformFlag & { json?: boolean }): Promise<number> {
      const status = await manager(flags).status();
      if (flags.json) print([JSON.stringify(status, null, 2)]);
      else print(describeStatus(status, deps.user ?? deps.env.USER ?? "$USER"));
      return 0;
    },

    async logs(flags: PlatformFlag & { lines?: string; follow?: boolean }): Promise<number> {
      const lines = flags.lines === undefined ? 100 : Number(flags.lines);
      if (!Number.isInteger(lines) || lines < 1 || lines > 100_000) {
        throw new UsageError(`-n must be a whole number of lines from 1 to 100000, got "${flags.lines}".`);
      }
      return manager(flags).logs({ lines, follow: flags.follow === true });
    },
  };
}

/** Things worth knowing before the service starts on its own. */
async function installWarnings(env: NodeJS.ProcessEnv, spec: ServiceSpec): Promise<string[]> {
  const warnings: string[] = [];
  if (/[\\/]_npx[\\/]/.test(spec.cliScript)) {
    warnings.push(
      `warning: this agent-claw runs from npx's cache (${spec.cliScript}), which npm may clear. Install it for good (\`npm install -g agent-claw\`) and run \`agent-claw daemon install\` from there.`,
    );
  }
  try {
    const config = await loadConfig(resolvePaths(env), env);
    if (!config.model) {
      warnings.push(
        "warning: no model is set (AGENT_CLAW_MODEL or `model` in config.json); the gateway starts but cannot answer until you set one (`agent-claw onboard`).",
      );
    }
  } catch (error) {
    warnings.push(`warning: ${(error as Error).message}\n  The service cannot start until this is fixed.`);
  }
  if (spec.env.AWS_SESSION_TOKEN !== undefined) {
    warnings.push(
      "warning: AWS_SESSION_TOKEN is set: temporary credentials expire, and the service then fails. Prefer AWS_PROFILE.",
    );
  }
  return warnings;
}

/** `daemon status` for a person. */
export function describeStatus(status: ServiceStatus, user: string): string[] {
  const kind = status.manager === "systemd" ? "systemd user unit" : "launchd agent";
  const lines = [`agent-claw gateway service (${kind})`, `  file:       ${status.serviceFile}`];
  if (!status.installed) {
    lines.push("  installed:  no; run `agent-claw daemon install`");
    return lines;
  }
  lines.push(
    `  installed:  yes${status.enabled === undefined ? "" : status.enabled ? " (starts at login)" : " (disabled)"}`,
  );
  if (status.state) lines.push(`  state:      ${status.state}${status.pid ? `, pid ${status.pid}` : ""}`);
  if (status.lastExit) lines.push(`  last exit:  ${status.lastExit}`);
  if (status.envFile) {
    const names = status.envNames.length > 0 ? status.envNames.join(", ") : "none";
    lines.push(`  variables:  ${names} (in ${status.envFile})`);
  }
  lines.push(`  logs:       agent-claw daemon logs  (${status.logs})`);
  if (status.lingering === false) {
    lines.push(
      `  lingering:  off: it stops when you log out; \`loginctl enable-linger ${user}\` keeps it running`,
    );
  }
  if (status.problem) lines.push(`  problem:    ${status.problem}`);
  return lines;
}

export function registerDaemon(program: Command, deps?: Partial<DaemonDeps>): void {
  const commands = () =>
    daemonCommands({
      env: process.env,
      runner: runCommand,
      platform: process.platform,
      out: (text) => process.stdout.write(text),
      ...deps,
    });
  // DaemonErrors are expected failures: print the message alone.
  const run =
    <F>(name: "install" | "uninstall" | "restart" | "status" | "logs") =>
    async (flags: F) => {
      try {
        return await (commands()[name] as (flags: F) => Promise<number>)(flags);
      } catch (error) {
        throw error instanceof DaemonError ? new UsageError(error.message) : error;
      }
    };
  const platform = [
    "--platform <platform>",
    "linux (systemd) or darwin (launchd); default: this machine's",
  ] as const;

  const daemon = program
    .command("daemon")
    .description("Run the gateway as a service that starts at login and restarts after a crash")
    .addHelpText(
      "after",
      "\nLinux: a systemd user unit (~/.config/systemd/user/agent-claw.service), logs in the journal.\nmacOS: a launchd agent (~/Library/LaunchAgents/ai.agent-claw.gateway.plist), logs in <home>/logs.\nAPI keys and other variables set in this shell are copied into the service (mode 0600 files).",
    );
  daemon
    .command("install")
    .description("Install and start the service (again, to pick up changed variables or a moved install)")
    .option("--dry-run", "print what would be written and run, without doing it")
    .option(...platform)
    .action(action(run("install")));
  daemon
    .command("uninstall")
    .description("Stop the service and remove its files (config, workspace and logs stay)")
    .option("--dry-run", "print what would be removed and run, without doing it")
    .option(...platform)
    .action(action(run("uninstall")));
  daemon
    .command("restart")
    .description("Restart the service")
    .option(...platform)
    .action(action(run("restart")));
  daemon
    .command("status")
    .description("Is it installed, running, with which pid, which variables (names only)")
    .option("--json", "print the status as JSON")
    .option(...platform)
    .action(action(run("status")));
  daemon
    .command("logs")
    .description("Show the service's recent log lines")
    .option("-n, --lines <count>", "how many lines (default 100)")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option(...platform)
    .action(action(run("logs")));
}
