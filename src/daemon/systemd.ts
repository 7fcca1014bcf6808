// The systemd user unit that runs `agent-claw gateway`, and its environment file, with each
// format's quoting: unit values escape % specifiers (and $ in ExecStart); the env file is shell-style.
import { join } from "node:path";
import { DAMAGED_STATE_EXIT_CODE } from "../adapters/sqlite/damaged-state.ts";
import type { ServiceSpec } from "./service-spec.ts";
import { userHome } from "./service-spec.ts";

/** The unit's name, as systemctl and journalctl know it. */
export const SYSTEMD_UNIT = "agent-claw.service";

/** ~/.config/systemd/user/agent-claw.service, or under XDG_CONFIG_HOME when that is set. */
export function systemdUnitPath(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME?.trim() || join(userHome(env), ".config");
  return join(config, "systemd", "user", SYSTEMD_UNIT);
}

/** `%` starts a specifier in every unit setting; `%%` is a literal percent sign. */
const specifiers = (value: string) => value.replaceAll("%", "%%");

/** A C-style escape for what a double-quoted unit value cannot hold literally. */
function cEscape(value: string): string {
  return value
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
}

/**
 * One ExecStart= argument: `%` and `$` doubled (specifiers, variable expansion), and quoted with C
 * escapes when it holds whitespace, quotes, backslashes or is a bare ";" (a command separator).
 */
export function quoteExecArg(arg: string): string {
  const plain = arg !== "" && arg !== ";" && !/[\s"'\\]/.test(arg);
  const escaped = plain ? arg : `"${cEscape(arg)}"`;
  return specifiers(escaped).replaceAll("$", "$$$$");
}

/** An Environment= assignment; `$` is literal there. */
export function quoteEnvironment(name: string, value: string): string {
  return `"${specifiers(cEscape(`${name}=${value}`))}"`;
}

/** A path setting (WorkingDirectory=, EnvironmentFile=): taken verbatim apart from specifiers. */
function pathValue(path: string): string {
  if (/[\n\r]|\\$/.test(path)) {
    throw new Error(`A path with a line break or a trailing backslash cannot go into a unit file: ${path}`);
  }
  return specifiers(path);
}

/** The unit file's text. */
export function renderSystemdUnit(spec: ServiceSpec): string {
  const execStart = [spec.nodePath, spec.cliScript, "gateway"].map(quoteExecArg).join(" ");
  return [
    "# agent-claw gateway, written by `agent-claw daemon install`; `agent-claw daemon uninstall` removes it.",
    "# It starts when you log in. To keep it running while you are logged out:",
    "#   loginctl enable-linger $USER",
    "# API keys and other settings are in the EnvironmentFile (mode 0600); run the install again to update them.",
    "[Unit]",
    "Description=agent-claw gateway (personal AI assistant)",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${execStart}`,
    `WorkingDirectory=${pathValue(spec.home)}`,
    `Environment=${quoteEnvironment("AGENT_CLAW_HOME", spec.home)}`,
    `EnvironmentFile=${pathValue(spec.envFile)}`,
    "Restart=on-failure",
    "RestartSec=5",
    // A damaged state.db: restarting cannot help, and the journal keeps the one line saying what to do.
    `RestartPreventExitStatus=${DAMAGED_STATE_EXIT_CODE}`,
    // SIGTERM makes the gateway finish running turns before it exits.
    "KillMode=mixed",
    "TimeoutStopSec=90",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

/** A valid environment variable name: only those go into the env file. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The EnvironmentFile's text: one NAME="value" per line, double-quoted with \ " $ ` escaped, which
 * systemd and a POSIX shell (`. gateway.env`) read back the same way. Newlines stay literal inside
 * the quotes.
 */
export function renderEnvFile(env: Record<string, string>): string {
  const lines = [
    "# Environment of the agent-claw gateway service, written by `agent-claw daemon install`.",
    "# Secrets: keep this file private (mode 0600).",
  ];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) continue;
    lines.push(`${name}="${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`);
  }
  return `${lines.join("\n")}\n`;
}
