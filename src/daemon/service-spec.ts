// What the gateway service runs, resolved once at install time: absolute paths to Node and the CLI,
// the home folder, and the environment variables the gateway needs, carried over from the installer.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolvePaths } from "../config/paths.ts";

/** Everything a unit or plist needs; no defaults left to the service manager's environment. */
export interface ServiceSpec {
  /** Absolute path of the Node binary (process.execPath of the installer). */
  nodePath: string;
  /** Absolute path of this installation's bin/agent-claw.js. */
  cliScript: string;
  /** The agent-claw home folder (AGENT_CLAW_HOME, also the working directory). */
  home: string;
  /** <home>/logs: launchd's log files. */
  logsDir: string;
  /** <home>/gateway.env: the carried variables for systemd (mode 0600). */
  envFile: string;
  /** Carried variables, name → value, sorted by name. Values are secrets: never print them. */
  env: Record<string, string>;
}

/** Variables the gateway reads, carried into the service when set where `daemon install` runs. */
export const CARRIED_ENV: readonly string[] = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_COMPATIBLE_API_KEY",
  "OPENAI_COMPATIBLE_BASE_URL",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_BEARER_TOKEN_BEDROCK",
  "TELEGRAM_BOT_TOKEN",
  "TZ",
  "NODE_EXTRA_CA_CERTS",
];

/** Every AGENT_CLAW_* variable is carried too, except the home folder, which the spec sets itself. */
const CARRIED_PREFIX = "AGENT_CLAW_";
/** Failover's spare keys (ANTHROPIC_API_KEY_2, OPENAI_API_KEY_3...), however many there are. */
const SPARE_KEY = /^(ANTHROPIC|OPENAI)_API_KEY_\d+$/;

/** The carried variables that are set (non-empty) in `env`, sorted by name. */
export function carriedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = Object.keys(env).filter(
    (name) =>
      CARRIED_ENV.includes(name) ||
      SPARE_KEY.test(name) ||
      (name.startsWith(CARRIED_PREFIX) && name !== "AGENT_CLAW_HOME"),
  );
  const out: Record<string, string> = {};
  for (const name of names.sort()) {
    const value = env[name];
    if (value !== undefined && value !== "") out[name] = value;
  }
  return out;
}

/**
 * This installation's bin/agent-claw.js: the nearest folder above `from` (a module URL, bundled in
 * dist/ or source in src/) that holds both package.json and bin/agent-claw.js.
 */
export function findCliScript(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const candidate = join(dir, "bin", "agent-claw.js");
    if (existsSync(candidate) && existsSync(join(dir, "package.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find bin/agent-claw.js above ${fileURLToPath(from)}; run \`agent-claw daemon install\` from an installed agent-claw.`,
      );
    }
    dir = parent;
  }
}

/** The user's home folder: HOME from `env` when set (tests point it at a temp folder). */
export function userHome(env: NodeJS.ProcessEnv): string {
  return env.HOME?.trim() || homedir();
}

/** Resolves the spec from the installer's environment. */
export function buildServiceSpec(
  options: { env?: NodeJS.ProcessEnv; nodePath?: string; cliScript?: string } = {},
): ServiceSpec {
  const env = options.env ?? process.env;
  const paths = resolvePaths(env);
  return {
    nodePath: options.nodePath ?? process.execPath,
    cliScript: options.cliScript ?? findCliScript(),
    home: paths.home,
    logsDir: paths.logsDir,
    envFile: join(paths.home, "gateway.env"),
    env: carriedEnv(env),
  };
}
