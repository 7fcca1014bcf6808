// Turns zod issues into messages that name the file, the key and what is expected.
import type { z } from "zod";
import { isSecretKey } from "./secrets.ts";

/** A config that cannot be used; `message` is meant for the person who wrote it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** "session.dmScope", "tools.exec.allowlist[2]", or "(top level)". */
export function formatKey(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(top level)";
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const key = formatKey(issue.path);
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? ` in ${key}` : "";
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${where} (remove ${issue.keys.length > 1 ? "them" : "it"}, or check the spelling)`;
  }
  const got = valueAt(input, issue.path);
  // A rejected token is still a token: say what was wrong with it, never what it was.
  const shown = got === undefined || isSecretKey(key) ? "" : ` (found ${JSON.stringify(got)?.slice(0, 60)})`;
  return `${key}: ${issue.message.replace(/^Invalid input: /, "")}${shown}`;
}

/** The value at `path` inside `input`, or undefined where the path leaves it. */
export function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = input;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** One message for all issues, headed by where the config came from. */
export function configErrorFrom(source: string, error: z.ZodError, input: unknown): ConfigError {
  const lines = error.issues.map((issue) => `  - ${describeIssue(issue, input)}`);
  return new ConfigError(`${source} is not valid:\n${lines.join("\n")}`);
}
