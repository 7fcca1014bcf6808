// The gateway as a login service: one interface over systemd (Linux) and launchd (macOS). Install and
// uninstall are plans (see service-plan.ts); status and logs ask the platform through a CommandRunner.
import { userInfo } from "node:os";
import type { CommandRunner } from "./command-runner.ts";
import { createLaunchdService } from "./launchd-service.ts";
import { DaemonError, type PlanStep } from "./service-plan.ts";
import type { ServiceSpec } from "./service-spec.ts";
import { createSystemdService } from "./systemd-service.ts";

export type ServicePlatform = "linux" | "darwin";

/** What `daemon status` reports. */
export interface ServiceStatus {
  manager: "systemd" | "launchd";
  /** The unit or plist. */
  serviceFile: string;
  installed: boolean;
  /** True when the service manager will start it at login (systemd: enabled; launchd: loaded). */
  enabled?: boolean;
  running: boolean;
  /** The manager's words: "active (running)", "failed (exit-code)", "running", "not loaded". */
  state?: string;
  pid?: number;
  /** How the last run ended, when the manager says ("exit code 1"). */
  lastExit?: string;
  /** The file holding the carried variables (systemd's env file, or the plist). */
  envFile?: string;
  /** Names (never values) of the carried variables. */
  envNames: string[];
  /** systemd only: whether the user manager outlives the login session. */
  lingering?: boolean;
  /** Where to read the logs. */
  logs: string;
  /** Why the state could not be read (the manager is not reachable, …). */
  problem?: string;
}

/** The gateway service on one platform. */
export interface ServiceManager {
  readonly manager: "systemd" | "launchd";
  /** The unit or plist path. */
  readonly serviceFile: string;
  /** Writes the files and starts the service (restarting a running one, so new settings apply). */
  installPlan(spec: ServiceSpec): PlanStep[];
  /** Stops and removes what is installed; empty when nothing is. */
  uninstallPlan(): Promise<PlanStep[]>;
  /** Restarts the installed service. */
  restartPlan(): PlanStep[];
  /** Contract: never throws for a missing manager; reports it in `problem`. */
  status(): Promise<ServiceStatus>;
  /** Prints recent log lines to the terminal (following them with `follow`); resolves to the exit code. */
  logs(options: { lines: number; follow: boolean }): Promise<number>;
  /** Lines for the user after a successful install. */
  afterInstall(spec: ServiceSpec): string[];
}

export interface ServiceManagerOptions {
  platform: ServicePlatform;
  /** HOME and XDG_CONFIG_HOME come from here. */
  env: NodeJS.ProcessEnv;
  runner: CommandRunner;
  /** launchd's gui/<uid> domain (default: process.getuid()). */
  uid?: number;
  /** For loginctl (default: the current user's name). */
  user?: string;
}

/** `process.platform` or `--platform` as a supported platform; a DaemonError otherwise. */
export function servicePlatform(value: string): ServicePlatform {
  if (value === "linux" || value === "darwin") return value;
  throw new DaemonError(
    `agent-claw daemon installs a systemd user service (Linux) or a launchd agent (macOS), not on "${value}". Run \`agent-claw gateway\` under your own supervisor instead, or pass --platform linux|darwin to see what would be written.`,
  );
}

export function createServiceManager(options: ServiceManagerOptions): ServiceManager {
  if (options.platform === "darwin") {
    return createLaunchdService({
      env: options.env,
      runner: options.runner,
      uid: options.uid ?? process.getuid?.() ?? 501,
    });
  }
  return createSystemdService({
    env: options.env,
    runner: options.runner,
    user: options.user ?? (options.env.USER?.trim() || userInfo().username),
  });
}
