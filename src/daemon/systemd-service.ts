// The gateway as a systemd user service: `systemctl --user` to enable, start and inspect it,
// `journalctl --user` for its logs.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { resolvePaths } from "../config/paths.ts";
import type { CommandResult, CommandRunner } from "./command-runner.ts";
import type { ServiceManager, ServiceStatus } from "./service-manager.ts";
import { DaemonError, describeFailure, type PlanStep } from "./service-plan.ts";
import type { ServiceSpec } from "./service-spec.ts";
import { renderEnvFile, renderSystemdUnit, SYSTEMD_UNIT, systemdUnitPath } from "./systemd.ts";

const HIDDEN = "(hidden)";
/** What systemctl says when there is no user manager to talk to. */
const NO_USER_MANAGER =
  /Failed to connect to bus|No medium found|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR|not been booted/i;

/** Names assigned in an env file, in order. */
export function envFileNames(text: string): string[] {
  return [...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!);
}

/** The EnvironmentFile= of an installed unit (it may name another home folder than this shell's). */
async function installedEnvFile(unitFile: string): Promise<string | undefined> {
  const unit = await readFile(unitFile, "utf8").catch(() => "");
  const match = /^EnvironmentFile=-?(.+)$/m.exec(unit);
  return match ? match[1]!.replaceAll("%%", "%") : undefined;
}

/** `systemctl show` output (NAME=value lines) as a record. */
function parseShow(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

export function createSystemdService(options: {
  env: NodeJS.ProcessEnv;
  runner: CommandRunner;
  user: string;
}): ServiceManager {
  const { env, runner, user } = options;
  const unitFile = systemdUnitPath(env);
  const defaultEnvFile = join(resolvePaths(env).home, "gateway.env");
  const envFileNow = async () => (await installedEnvFile(unitFile)) ?? defaultEnvFile;
  const linger = `loginctl enable-linger ${user}`;
  /** Explains a failed `systemctl --user`: the user manager missing is the common case (containers). */
  const explain =
    (args: string[], what: string, hint = "") =>
    (result: CommandResult): string => {
      const detail = (result.stderr.trim() || `exit ${result.code}`).split("\n")[0];
      if (result.code !== 127 && !NO_USER_MANAGER.test(result.stderr)) {
        return `${describeFailure("systemctl", ["--user", ...args], result)}, so ${what}.${hint}`;
      }
      return (
        `systemctl --user failed: ${detail}. ` +
        `The systemd user instance is not available here (a container, or no login session), so ${what}. ` +
        `Run \`agent-claw gateway\` under your own supervisor (a container restart policy, supervisord, a system unit with User=), ` +
        `or enable lingering (\`sudo ${linger}\`), log in again and retry.`
      );
    };
  /** A `systemctl --user …` step. */
  const systemctl = (
    args: string[],
    ifFails: "stop" | "warn" | "ignore",
    explain?: (r: CommandResult) => string,
  ): PlanStep => ({ kind: "run", cmd: "systemctl", args: ["--user", ...args], ifFails, explain });

  return {
    manager: "systemd",
    serviceFile: unitFile,

    installPlan(spec: ServiceSpec) {
      const shown = Object.fromEntries(Object.keys(spec.env).map((name) => [name, HIDDEN]));
      return [
        // Asks the user manager for nothing but an answer: nothing is written when it is not there.
        systemctl(["show-environment"], "stop", explain(["show-environment"], "nothing was installed")),
        {
          kind: "write",
          path: spec.envFile,
          content: renderEnvFile(spec.env),
          shown: renderEnvFile(shown),
          mode: 0o600,
        },
        { kind: "write", path: unitFile, content: renderSystemdUnit(spec), mode: 0o644 },
        systemctl(["daemon-reload"], "stop"),
        systemctl(["enable", SYSTEMD_UNIT], "stop"),
        // restart, not start: a reinstall must pick up the new unit and environment.
        systemctl(
          ["restart", SYSTEMD_UNIT],
          "stop",
          explain(["restart", SYSTEMD_UNIT], "it is not running", " See why with `agent-claw daemon logs`."),
        ),
      ];
    },

    async uninstallPlan() {
      const envFile = await envFileNow();
      const present = [unitFile, envFile].filter((file) => existsSync(file));
      if (present.length === 0) return [];
      return [
        systemctl(
          ["disable", "--now", SYSTEMD_UNIT],
          "warn",
          explain(["disable", "--now", SYSTEMD_UNIT], "the service may still run (stop it yourself)"),
        ),
        ...present.map((path): PlanStep => ({ kind: "remove", path })),
        systemctl(["daemon-reload"], "ignore"),
        systemctl(["reset-failed", SYSTEMD_UNIT], "ignore"),
      ];
    },

    restartPlan() {
      if (!existsSync(unitFile)) {
        throw new DaemonError(
          `The gateway service is not installed (no ${unitFile}); run \`agent-claw daemon install\`.`,
        );
      }
      return [
        systemctl(
          ["restart", SYSTEMD_UNIT],
          "stop",
          explain(["restart", SYSTEMD_UNIT], "it was not restarted"),
        ),
      ];
    },

    async status(): Promise<ServiceStatus> {
      const envFile = await envFileNow();
      const envNames = envFileNames(await readFile(envFile, "utf8").catch(() => ""));
      const status: ServiceStatus = {
        manager: "systemd",
        serviceFile: unitFile,
        installed: existsSync(unitFile),
        running: false,
        envFile: existsSync(envFile) ? envFile : undefined,
        envNames,
        logs: `journalctl --user -u ${SYSTEMD_UNIT}`,
      };
      if (!status.installed) return status;
      const shown = await runner("systemctl", [
        "--user",
        "show",
        SYSTEMD_UNIT,
        "--property=LoadState,ActiveState,SubState,MainPID,UnitFileState,Result,ExecMainStatus",
      ]);
      if (shown.code !== 0) {
        status.problem = explain(["show", SYSTEMD_UNIT], "its state is unknown")(shown);
        return status;
      }
      const p = parseShow(shown.stdout);
      status.enabled = p.UnitFileState === "enabled";
      status.running = p.ActiveState === "active";
      status.state = `${p.ActiveState ?? "unknown"} (${p.SubState ?? "unknown"})`;
      const pid = Number(p.MainPID);
      if (pid > 0) status.pid = pid;
      if (p.Result && p.Result !== "success")
        status.lastExit = `${p.Result}, exit status ${p.ExecMainStatus ?? "?"}`;
      const linger = await runner("loginctl", ["show-user", user, "--property=Linger", "--value"]);
      if (linger.code === 0) status.lingering = linger.stdout.trim() === "yes";
      return status;
    },

    async logs({ lines, follow }) {
      const args = [
        "--user",
        "-u",
        SYSTEMD_UNIT,
        "-n",
        String(lines),
        "--no-pager",
        ...(follow ? ["-f"] : []),
      ];
      const result = await runner("journalctl", args, { inherit: true });
      if (result.code === 127) {
        throw new DaemonError(
          "journalctl is not installed; the gateway's log is in the systemd journal only.",
        );
      }
      return result.code;
    },

    afterInstall() {
      return [
        "The gateway runs as a systemd user service and starts when you log in.",
        `  status:  agent-claw daemon status`,
        `  logs:    agent-claw daemon logs -f`,
        `  Keep it running while you are logged out: ${linger}`,
        `  Changed an API key or another variable? Run \`agent-claw daemon install\` again.`,
      ];
    },
  };
}
