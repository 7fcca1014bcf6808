// The launchd agent plist that runs `agent-claw gateway` at login and again after a crash. The
// carried environment goes into the plist itself, so the file is written with mode 0600.
import { join } from "node:path";
import type { ServiceSpec } from "./service-spec.ts";
import { userHome } from "./service-spec.ts";

/** The job's label, as launchctl knows it. */
export const LAUNCHD_LABEL = "ai.agent-claw.gateway";

/** ~/Library/LaunchAgents/ai.agent-claw.gateway.plist */
export function launchdPlistPath(env: NodeJS.ProcessEnv): string {
  return join(userHome(env), "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
}

/** Where launchd appends the gateway's stdout and stderr (launchd does not rotate it). */
export function launchdLogFile(spec: Pick<ServiceSpec, "logsDir">): string {
  return join(spec.logsDir, "gateway.log");
}

/** Characters XML 1.0 cannot carry at all, even escaped. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  if (NOT_XML.test(text)) {
    throw new Error("A value with control characters cannot go into a plist; remove them and try again.");
  }
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

const string = (value: string) => `<string>${xmlEscape(value)}</string>`;
const key = (name: string) => `<key>${xmlEscape(name)}</key>`;

/** The plist's text. */
export function renderLaunchdPlist(spec: ServiceSpec): string {
  const log = launchdLogFile(spec);
  const env = { AGENT_CLAW_HOME: spec.home, ...spec.env };
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    "<!-- agent-claw gateway, written by `agent-claw daemon install`; `agent-claw daemon uninstall` removes it. -->",
    '<plist version="1.0">',
    "<dict>",
    `  ${key("Label")}`,
    `  ${string(LAUNCHD_LABEL)}`,
    `  ${key("ProgramArguments")}`,
    "  <array>",
    ...[spec.nodePath, spec.cliScript, "gateway"].map((arg) => `    ${string(arg)}`),
    "  </array>",
    `  ${key("WorkingDirectory")}`,
    `  ${string(spec.home)}`,
    `  ${key("EnvironmentVariables")}`,
    "  <dict>",
    ...Object.entries(env).flatMap(([name, value]) => [`    ${key(name)}`, `    ${string(value)}`]),
    "  </dict>",
    `  ${key("RunAtLoad")}`,
    "  <true/>",
    // Restart after a crash (non-zero exit), not after a clean stop.
    `  ${key("KeepAlive")}`,
    "  <dict>",
    `    ${key("SuccessfulExit")}`,
    "    <false/>",
    "  </dict>",
    `  ${key("ThrottleInterval")}`,
    "  <integer>5</integer>",
    // Time to finish running turns after SIGTERM before launchd sends SIGKILL.
    `  ${key("ExitTimeOut")}`,
    "  <integer>90</integer>",
    `  ${key("StandardOutPath")}`,
    `  ${string(log)}`,
    `  ${key("StandardErrorPath")}`,
    `  ${string(log)}`,
    "</dict>",
    "</plist>",
    "",
  ];
  return lines.join("\n");
}
