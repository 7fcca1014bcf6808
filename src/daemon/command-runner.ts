// The one way daemon code runs platform commands (systemctl, launchctl, journalctl, tail): a small
// function, so tests pass a fake and never touch the real service manager.
import { spawn } from "node:child_process";

export interface CommandResult {
  /** Exit code; 127 when the command does not exist, 128 + n after signal n. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Let the command use the terminal (for `logs -f`); stdout and stderr are then not captured. */
  inherit?: boolean;
}

/**
 * Runs a command without a shell. Contract: resolves for every outcome (a missing command is code 127
 * with a message in stderr); never throws.
 */
export type CommandRunner = (cmd: string, args: string[], options?: RunOptions) => Promise<CommandResult>;

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** The real runner, on child_process.spawn. */
export const runCommand: CommandRunner = (cmd, args, options = {}) =>
  new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    const child = spawn(cmd, args, { stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"] });
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      const missing = error.code === "ENOENT";
      resolve({
        code: missing ? 127 : 1,
        stdout,
        stderr: missing ? `${cmd}: command not found` : error.message,
      });
    });
    child.on("close", (code, signal) => {
      resolve({ code: code ?? 128 + (SIGNALS[signal ?? ""] ?? 0), stdout, stderr });
    });
  });

/** "systemctl --user enable agent-claw.service", quoting arguments that need it, for messages. */
export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}
