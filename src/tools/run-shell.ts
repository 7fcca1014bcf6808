// Runs one `/bin/sh -c` command for the exec tool: its own process group (so a timeout or a
// cancelled turn kills everything it started), a scrubbed environment, and capped, merged output.
import { spawn } from "node:child_process";
import type { Clock } from "../ports/clock.ts";
import { createOutputCap } from "./output-cap.ts";

/** Variables a child may inherit from this process; everything else (API keys, tokens, AWS_*) stays out. */
export const SAFE_ENV_NAMES = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "LC_MESSAGES",
  "TERM",
  "TZ",
  "TMPDIR",
] as const;

/**
 * The child's environment: the safe names taken from `parent`, non-interactive defaults (no pager,
 * no git password prompt), then `extra` (set by the operator in config, so trusted as given).
 */
export function childEnv(
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin" };
  for (const name of SAFE_ENV_NAMES) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, { PAGER: "cat", GIT_PAGER: "cat", GIT_TERMINAL_PROMPT: "0" }, extra);
  return env;
}

/** How one command is run. */
export interface ShellRun {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputChars: number;
  clock: Clock;
  signal: AbortSignal;
  /** How long to wait for output after the shell exits while background children hold it open. */
  graceMs?: number;
}

/** What happened to the command. */
export interface ShellResult {
  /** stdout and stderr interleaved in the order written, capped (head + tail). */
  output: string;
  exitCode: number | null;
  /** The signal that ended the shell, if any (SIGKILL after a timeout or an abort). */
  exitSignal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** The shell exited but background processes kept its output open; later output is lost. */
  leftRunning: boolean;
  /** Set when the shell could not be started at all. */
  spawnError?: Error;
}

/**
 * Runs the command to completion, timeout or abort. Contract: never rejects; on timeout or abort
 * the whole process group gets SIGKILL before the result is returned.
 */
export function runShell(run: ShellRun): Promise<ShellResult> {
  return new Promise((resolve) => {
    const out = createOutputCap(run.maxOutputChars);
    const timers = new AbortController();
    const result: ShellResult = {
      output: "",
      exitCode: null,
      exitSignal: null,
      timedOut: false,
      aborted: false,
      leftRunning: false,
    };
    // `exec 2>&1` makes stderr share stdout's pipe, so the two stay in the order they were written;
    // on the same line as the command, so the shell's error messages keep the model's line numbers.
    const child = spawn("/bin/sh", ["-c", `exec 2>&1; ${run.command}`], {
      cwd: run.cwd,
      env: run.env,
      // A new session and process group, led by the shell: `kill(-pid)` reaches all it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      timers.abort();
      run.signal.removeEventListener("abort", onAbort);
      result.output = out.text();
      resolve(result);
    };
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const onAbort = () => {
      result.aborted = true;
      killGroup();
    };

    child.stdout.setEncoding("utf8").on("data", (chunk: string) => out.push(chunk));
    // Only the shell's own complaints before `exec 2>&1` (a syntax error on the first line) come here.
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => out.push(chunk));
    child.on("error", (error) => {
      result.spawnError = error;
      finish();
    });
    child.on("exit", (code, signal) => {
      result.exitCode = code;
      result.exitSignal = signal;
      run.clock.sleep(run.graceMs ?? 1000, timers.signal).then(
        () => {
          result.leftRunning = true;
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        },
        () => {},
      );
    });
    child.on("close", finish);

    if (run.signal.aborted) onAbort();
    else run.signal.addEventListener("abort", onAbort, { once: true });
    run.clock.sleep(run.timeoutMs, timers.signal).then(
      () => {
        result.timedOut = true;
        killGroup();
      },
      () => {},
    );
  });
}
