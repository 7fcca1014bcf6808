// Install and uninstall as data: a list of steps (write a file, run a command) that is either
// described (--dry-run) or carried out in order, so both show exactly the same thing.
import { mkdir, rm } from "node:fs/promises";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { PRIVATE_DIR_MODE } from "../util/private-files.ts";
import { type CommandResult, type CommandRunner, formatCommand } from "./command-runner.ts";

/** A failure the user can act on; the message says what to do next. */
export class DaemonError extends Error {
  override readonly name = "DaemonError";
}

export type PlanStep =
  | { kind: "mkdir"; path: string }
  | {
      kind: "write";
      path: string;
      content: string;
      mode: number;
      /** What a dry run shows instead of `content` (secrets masked). */
      shown?: string;
    }
  | { kind: "remove"; path: string }
  | {
      kind: "run";
      cmd: string;
      args: string[];
      /** Exit codes besides 0 that mean "already so" (not loaded, not running): carry on quietly. */
      okCodes?: number[];
      /** stop: throw a DaemonError; warn: note it and go on; ignore: go on silently. */
      ifFails: "stop" | "warn" | "ignore";
      /** The message for a failure (default: the command, its exit code and stderr). */
      explain?: (result: CommandResult) => string;
    };

/** "systemctl --user daemon-reload failed (exit 1): Failed to connect to bus". */
export function describeFailure(cmd: string, args: readonly string[], result: CommandResult): string {
  // stderr only: stdout may be data (show-environment prints the manager's environment).
  const detail = result.stderr.trim().split("\n").slice(0, 3).join(" ").replace(/\.$/, "");
  return `\`${formatCommand(cmd, args)}\` failed (exit ${result.code})${detail ? `: ${detail}` : ""}`;
}

const octal = (mode: number) => mode.toString(8);

/** The dry-run description: every file with its mode and (masked) content, every command. */
export function describePlan(steps: readonly PlanStep[]): string[] {
  return steps.flatMap((step) => {
    switch (step.kind) {
      case "mkdir":
        return [`Would create the folder ${step.path}`];
      case "write": {
        const text = (step.shown ?? step.content).trimEnd();
        return [
          `Would write ${step.path} (mode ${octal(step.mode)}):`,
          ...text.split("\n").map((line) => `    ${line}`),
        ];
      }
      case "remove":
        return [`Would remove ${step.path}`];
      case "run":
        return [`Would run: ${formatCommand(step.cmd, step.args)}`];
    }
  });
}

/**
 * Carries out the steps in order; `report` gets one line per step done and per warning.
 * Throws a DaemonError at the first failing "stop" command; the steps after it are not run.
 */
export async function executePlan(
  steps: readonly PlanStep[],
  runner: CommandRunner,
  report: (line: string) => void,
): Promise<{ warnings: string[] }> {
  const warnings: string[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case "mkdir":
        // Private: the macOS service's log folder, in the home folder (see util/private-files.ts).
        await mkdir(step.path, { recursive: true, mode: PRIVATE_DIR_MODE });
        break;
      case "write":
        await writeFileAtomic(step.path, step.content, { mode: step.mode });
        report(`Wrote ${step.path} (mode ${octal(step.mode)})`);
        break;
      case "remove":
        await rm(step.path, { force: true });
        report(`Removed ${step.path}`);
        break;
      case "run": {
        const result = await runner(step.cmd, step.args);
        if (result.code === 0) report(`Ran ${formatCommand(step.cmd, step.args)}`);
        if (result.code === 0 || step.okCodes?.includes(result.code)) break;
        const message = step.explain?.(result) ?? describeFailure(step.cmd, step.args, result);
        if (step.ifFails === "stop") throw new DaemonError(message);
        if (step.ifFails === "warn") {
          warnings.push(message);
          report(`warning: ${message}`);
        }
        break;
      }
    }
  }
  return { warnings };
}
