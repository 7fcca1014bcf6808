// The exec tool: run a shell command in the workspace folder, after the allowlist or a person
// approves it, with a timeout, an output cap and an environment without the daemon's secrets.
import { realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import { exactAllowlistEntry, findAllowlistMatch } from "./exec-allowlist.ts";
import { childEnv, runShell, type ShellResult } from "./run-shell.ts";
import type { AgentTool, ToolOutput } from "./tool.ts";
import { toolError } from "./tool-result.ts";

/** How exec runs commands. Only `cwd` is required. */
export interface ExecToolOptions {
  /** Absolute path of the folder commands run in (the workspace on disk); workdir stays inside it. */
  cwd: string;
  /** Commands that run without asking; syntax in exec-allowlist.ts. Default: none, every command asks. */
  allowlist?: readonly string[];
  /** Default 120 000 (2 minutes). */
  timeoutMs?: number;
  /** Cap on the returned output, head and tail kept. Default 30 000. */
  maxOutputChars?: number;
  /** Extra variables for the child, on top of the safe base (PATH, HOME, LANG, TERM, …). */
  env?: Record<string, string>;
}

const execInput = z.object({
  command: z
    .string()
    .min(1)
    .describe('The shell command to run with /bin/sh -c, e.g. "git status" or "ls -la notes".'),
  workdir: z
    .string()
    .optional()
    .describe('Folder to run in, relative to the workspace root, e.g. "projects/site". Default: the root.'),
});

/** The exec tool's input, as validated by its schema. */
export type ExecInput = z.infer<typeof execInput>;

/** Creates the `exec` tool. */
export function createExecTool(options: ExecToolOptions): AgentTool<ExecInput> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxOutputChars = options.maxOutputChars ?? 30_000;
  const allowlist = options.allowlist ?? [];
  return {
    name: "exec",
    description:
      "Run a shell command (/bin/sh -c) in the workspace folder, or in workdir inside it. Returns stdout " +
      "and stderr together, in order, and the exit code. Commands get no input (stdin is empty), so use " +
      `non-interactive flags. Time limit ${Math.round(timeoutMs / 1000)} s, after which the command and ` +
      `everything it started are killed; output beyond ${maxOutputChars} characters is cut from the middle. ` +
      "Commands outside the owner's allowlist need a person's approval, and may be refused.",
    input: execInput,
    async run({ command, workdir }, context) {
      const dir = await resolveWorkdir(options.cwd, workdir);
      if (typeof dir !== "string") return dir;
      if (findAllowlistMatch(command, allowlist, options.cwd) === undefined) {
        const summary = workdir === undefined ? command : `${command}  (in ${workdir})`;
        const allowlistEntry = exactAllowlistEntry(command);
        const approved = await context.approve({ tool: "exec", summary, allowlistEntry }).catch(() => false);
        if (!approved) {
          return toolError(
            "The command was not approved; it did not run. Do not retry it unchanged: do the task another " +
              "way (for instance with read, write, edit or list), or ask the person to run it or to allow it.",
          );
        }
      }
      if (context.signal.aborted) return toolError("The turn was cancelled before the command started.");
      const result = await runShell({
        command,
        cwd: dir,
        env: childEnv(process.env, options.env),
        timeoutMs,
        maxOutputChars,
        clock: context.clock,
        signal: context.signal,
      });
      return present(result, timeoutMs);
    },
  };
}

/** The absolute folder for `workdir`, or an error when it is missing or leads out of `cwd`. */
async function resolveWorkdir(cwd: string, workdir: string | undefined): Promise<string | ToolOutput> {
  let relative: string;
  try {
    relative = normalizeWorkspacePath(workdir ?? "");
  } catch (error) {
    return toolError(`workdir: ${(error as Error).message}`);
  }
  const dir = join(cwd, relative);
  try {
    // Resolve links: "workdir": "link-to-etc" must not run commands outside the workspace.
    const [real, root] = await Promise.all([realpath(dir), realpath(cwd)]);
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      return toolError(
        `workdir ${JSON.stringify(workdir)} leads outside the workspace through a link; stay inside it.`,
      );
    }
    if (!(await stat(real)).isDirectory()) {
      return toolError(`workdir ${JSON.stringify(workdir)} is a file, not a folder.`);
    }
    return real;
  } catch {
    return workdir === undefined
      ? toolError(`The workspace folder ${cwd} does not exist, so exec cannot run commands.`)
      : toolError(`workdir ${JSON.stringify(workdir)} does not exist; use list to find the folder.`);
  }
}

/** Turns a shell result into what the model reads. */
function present(result: ShellResult, timeoutMs: number): ToolOutput {
  if (result.spawnError) return toolError(`The command could not be started: ${result.spawnError.message}`);
  const output = result.output.trimEnd() === "" ? "(no output)" : result.output.trimEnd();
  if (result.timedOut) {
    return toolError(
      `The command timed out after ${timeoutMs / 1000} s and was killed, with every process it started. ` +
        `Use a quicker command, or run it in the background with its output sent to a file.\n\n${output}`,
    );
  }
  if (result.aborted) return toolError(`The command was cancelled with the turn and killed.\n\n${output}`);
  const notes: string[] = [];
  if (result.leftRunning) {
    notes.push(
      "[The shell exited, but processes it started in the background are still running; their output is not captured.]",
    );
  }
  const status =
    result.exitSignal !== null ? `killed by signal ${result.exitSignal}` : `exit code ${result.exitCode}`;
  notes.push(`[${status}]`);
  const text = `${output}\n\n${notes.join("\n")}`;
  return result.exitCode === 0 ? { text } : { text, isError: true };
}
