// Test fixtures for the daemon: an awkward service spec, a fake command runner that records calls,
// and systemd's env-file parser (a port of env-file.c for double-quoted values) to read files back.
import type { CommandResult, CommandRunner, RunOptions } from "../command-runner.ts";
import type { ServiceSpec } from "../service-spec.ts";

/** Values with everything a format can trip over. */
export const AWKWARD = `a b "quoted" 'single' $HOME \${X} %h & <tag> back\\slash \`tick\``;

export function specWith(over: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    nodePath: "/opt/node 24/bin/node",
    cliScript: "/srv/agent claw/bin/agent-claw.js",
    home: "/home/ada/.agent-claw",
    logsDir: "/home/ada/.agent-claw/logs",
    envFile: "/home/ada/.agent-claw/gateway.env",
    env: { AGENT_CLAW_MODEL: "openai/gpt-5-mini", OPENAI_API_KEY: `sk-${AWKWARD}` },
    ...over,
  };
}

/** systemd's EnvironmentFile parser (env-file.c), for the double-quoted values we write. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    if (text[i] === "#" || text[i] === ";") {
      i = text.indexOf("\n", i) + 1 || text.length;
      continue;
    }
    if (text[i] === "\n") {
      i++;
      continue;
    }
    const eq = text.indexOf("=", i);
    const name = text.slice(i, eq);
    if (text[eq + 1] !== '"') throw new Error(`value of ${name} is not double-quoted`);
    let value = "";
    for (i = eq + 2; text[i] !== '"'; i++) {
      if (i >= text.length) throw new Error(`unterminated value of ${name}`);
      if (text[i] !== "\\") value += text[i];
      else if ('"\\`$'.includes(text[i + 1]!)) value += text[++i];
      else if (text[i + 1] === "\n") i++;
      else value += `\\${text[++i]}`;
    }
    out[name] = value;
    i++;
  }
  return out;
}

/** One recorded call of the fake runner. */
export interface RecordedCall {
  /** "systemctl --user daemon-reload" */
  line: string;
  cmd: string;
  args: string[];
  options?: RunOptions;
}

/**
 * A CommandRunner that records calls and answers from `answer` (default: success, no output).
 * `calls` lists what ran, in order.
 */
export function fakeRunner(
  answer: (line: string, call: RecordedCall) => Partial<CommandResult> | undefined = () => undefined,
) {
  const calls: RecordedCall[] = [];
  const runner: CommandRunner = async (cmd, args, options) => {
    const call = { line: [cmd, ...args].join(" "), cmd, args, ...(options && { options }) };
    calls.push(call);
    return { code: 0, stdout: "", stderr: "", ...answer(call.line, call) };
  };
  return { runner, calls, lines: () => calls.map((c) => c.line) };
}
