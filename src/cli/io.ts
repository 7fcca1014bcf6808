// Terminal output helpers: colours only on a TTY (and never with NO_COLOR), errors made readable.
import { createInterface } from "node:readline/promises";
import { corruptionOf, DamagedStateError } from "../adapters/sqlite/damaged-state.ts";
import { ConfigError } from "../config/errors.ts";
import { resolvePaths } from "../config/paths.ts";
import { ModelSetupError } from "../core/agent/model-call-error.ts";
import { NoModelError } from "../engines/local/assistant.ts";
import { WorkspacePathError } from "../ports/workspace.ts";
import { redact, secretValues } from "../util/redact.ts";

const useColor = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number, stream: NodeJS.WriteStream) => (text: string) =>
  useColor(stream) ? `\x1b[${code}m${text}\x1b[0m` : text;

export const dim = paint(2, process.stderr);
export const bold = paint(1, process.stdout);
export const red = paint(31, process.stderr);
export const green = paint(32, process.stdout);
export const yellow = paint(33, process.stdout);

/** Expected failures: print the message alone; anything else is a bug and gets its stack too. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const EXPECTED = [
  ConfigError,
  DamagedStateError,
  ModelSetupError,
  NoModelError,
  UsageError,
  WorkspacePathError,
];

/**
 * SQLite finding state.db damaged in the middle of any command (the gateway checks at start, other
 * commands do not read every page first) is said as the gateway says it: the file and the repair.
 */
function asDamagedState(error: unknown): unknown {
  const problem = corruptionOf(error);
  return problem === undefined ? error : new DamagedStateError(resolvePaths().stateDb, problem);
}

export function reportError(thrown: unknown): number {
  const error = asDamagedState(thrown);
  const secrets = secretValues(process.env);
  const expected = EXPECTED.some((kind) => error instanceof kind);
  const text = expected ? (error as Error).message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`${red("error:")} ${redact(text, secrets)}\n`);
  return 1;
}

/**
 * The same failure as one JSON object on stdout for `--json` callers: `{ "error": { code, message } }`.
 * The code is the error's own `code`, else its kind ("usage", "no_model", "config"), and "internal"
 * for a bug, whose stack still goes to stderr for the report.
 */
export function reportJsonError(thrown: unknown): number {
  const error = asDamagedState(thrown);
  const expected = EXPECTED.some((kind) => error instanceof kind);
  const own = (error as { code?: unknown } | undefined)?.code;
  const name = error instanceof Error ? error.name : "";
  const kind = name.replace(/Error$/, "").replace(/(?<=[a-z])(?=[A-Z])/g, "_");
  const code = !expected ? "internal" : typeof own === "string" ? own : kind.toLowerCase() || "error";
  const text = error instanceof Error ? error.message : String(error);
  const message = redact(text, secretValues(process.env));
  process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  if (!expected) reportError(error);
  return 1;
}

/** Wraps a command action: expected errors end the process with a message and exit code 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === "number") process.exitCode = code;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

/** Asks a yes/no question on the terminal; false when there is no terminal to ask. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** "3m ago", "2h ago", "5d ago". */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
