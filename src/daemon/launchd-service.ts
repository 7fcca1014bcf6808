// The gateway as a launchd agent in the user's GUI domain: `launchctl bootstrap/bootout/print`, and
// its log file under <home>/logs.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { resolvePaths } from "../config/paths.ts";
import type { CommandResult, CommandRunner } from "./command-runner.ts";
import { LAUNCHD_LABEL, launchdLogFile, launchdPlistPath, renderLaunchdPlist } from "./launchd.ts";
import type { ServiceManager, ServiceStatus } from "./service-manager.ts";
import { DaemonError, describeFailure, type PlanStep } from "./service-plan.ts";
import type { ServiceSpec } from "./service-spec.ts";

const HIDDEN = "(hidden)";
/** launchctl's codes for "no such service" (ESRCH, and 113 "Could not find service"). */
const NOT_LOADED = [3, 113];

const unescapeXml = (text: string) =>
  text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");

/** Names in the plist's EnvironmentVariables, and its log file, read back from the plist text. */
export function readPlistFacts(plist: string): { envNames: string[]; logFile?: string } {
  const env = /<key>EnvironmentVariables<\/key>\s*<dict>([\s\S]*?)<\/dict>/.exec(plist)?.[1] ?? "";
  const envNames = [...env.matchAll(/<key>([^<]*)<\/key>/g)].map((m) => unescapeXml(m[1]!));
  const log = /<key>StandardErrorPath<\/key>\s*<string>([^<]*)<\/string>/.exec(plist)?.[1];
  return { envNames, logFile: log === undefined ? undefined : unescapeXml(log) };
}

export function createLaunchdService(options: {
  env: NodeJS.ProcessEnv;
  runner: CommandRunner;
  uid: number;
}): ServiceManager {
  const { env, runner, uid } = options;
  const plist = launchdPlistPath(env);
  const domain = `gui/${uid}`;
  const target = `${domain}/${LAUNCHD_LABEL}`;
  const facts = async () => readPlistFacts(await readFile(plist, "utf8").catch(() => ""));
  const run = (
    args: string[],
    ifFails: "stop" | "warn" | "ignore",
    explain?: (r: CommandResult) => string,
  ): PlanStep => ({ kind: "run", cmd: "launchctl", args, ifFails, explain });

  return {
    manager: "launchd",
    serviceFile: plist,

    installPlan(spec: ServiceSpec) {
      const shown = Object.fromEntries(Object.keys(spec.env).map((name) => [name, HIDDEN]));
      return [
        { kind: "mkdir", path: spec.logsDir },
        {
          kind: "write",
          path: plist,
          content: renderLaunchdPlist(spec),
          shown: renderLaunchdPlist({ ...spec, env: shown }),
          // The plist holds the API keys.
          mode: 0o600,
        },
        // Unloads an earlier version (fails harmlessly when none is loaded), so the new one applies.
        run(["bootout", target], "ignore"),
        // Clears a `launchctl disable` left from before, which would make bootstrap fail.
        run(["enable", target], "ignore"),
        run(
          ["bootstrap", domain, plist],
          "stop",
          (r) =>
            `${describeFailure("launchctl", ["bootstrap", domain, plist], r)}. Check the plist with \`plutil -lint ${plist}\`, and the log ${launchdLogFile(spec)}.`,
        ),
      ];
    },

    async uninstallPlan() {
      if (!existsSync(plist)) return [];
      return [
        {
          ...run(["bootout", target], "warn", (r) => {
            return `${describeFailure("launchctl", ["bootout", target], r)}; stop it yourself if it still runs`;
          }),
          okCodes: NOT_LOADED,
        },
        { kind: "remove", path: plist },
      ];
    },

    restartPlan() {
      if (!existsSync(plist)) {
        throw new DaemonError(
          `The gateway service is not installed (no ${plist}); run \`agent-claw daemon install\`.`,
        );
      }
      return [run(["kickstart", "-k", target], "stop")];
    },

    async status(): Promise<ServiceStatus> {
      const { envNames, logFile } = await facts();
      const status: ServiceStatus = {
        manager: "launchd",
        serviceFile: plist,
        installed: existsSync(plist),
        running: false,
        envFile: existsSync(plist) ? plist : undefined,
        envNames: envNames.filter((name) => name !== "AGENT_CLAW_HOME"),
        logs: logFile ?? launchdLogFile(resolvePaths(env)),
      };
      if (!status.installed) return status;
      const printed = await runner("launchctl", ["print", target]);
      if (printed.code !== 0) {
        status.enabled = false;
        status.state = "not loaded";
        if (!NOT_LOADED.includes(printed.code))
          status.problem = describeFailure("launchctl", ["print", target], printed);
        return status;
      }
      const field = (name: string) =>
        new RegExp(`^\\s*${name} = (.+)$`, "m").exec(printed.stdout)?.[1]?.trim();
      status.enabled = true;
      status.state = field("state") ?? "unknown";
      status.running = status.state === "running";
      const pid = Number(field("pid"));
      if (pid > 0) status.pid = pid;
      const lastExit = field("last exit code");
      if (lastExit && lastExit !== "0" && !lastExit.startsWith("(never"))
        status.lastExit = `exit code ${lastExit}`;
      return status;
    },

    async logs({ lines, follow }) {
      const logFile = (await facts()).logFile ?? launchdLogFile(resolvePaths(env));
      if (!existsSync(logFile)) {
        throw new DaemonError(
          `No gateway log yet at ${logFile}. Is the service installed and started? See \`agent-claw daemon status\`.`,
        );
      }
      // -F follows the file by name, so it keeps going if the log is moved away and recreated.
      return (
        await runner("tail", ["-n", String(lines), ...(follow ? ["-F"] : []), logFile], { inherit: true })
      ).code;
    },

    afterInstall(spec) {
      return [
        "The gateway runs as a launchd agent: it starts when you log in and again if it crashes.",
        `  status:  agent-claw daemon status`,
        `  logs:    agent-claw daemon logs -f   (${launchdLogFile(spec)})`,
        `  Changed an API key or another variable? Run \`agent-claw daemon install\` again.`,
        `  The plist holds your API keys; it is readable only by you (mode 600) in ${dirname(plist)}.`,
      ];
    },
  };
}
