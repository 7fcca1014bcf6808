// The CLI started the way the README says a user runs it: the bin file itself as a command, found by
// its `#!/usr/bin/env node` line on the user's PATH (no npm, no npx, whatever Node that PATH has).
import { spawn } from "node:child_process";
import { delimiter } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { BIN, type CliResult, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

/** The user's PATH: without the node_modules/.bin that npm and npx put first. */
const userPath = () =>
  (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.includes("node_modules"))
    .join(delimiter);

function startAsUser(args: string[], env: NodeJS.ProcessEnv, stdin?: string) {
  const child = spawn(BIN, args, { env: { ...env, PATH: userPath() }, stdio: "pipe" });
  child.stdin.end(stdin);
  let stdout = "";
  let stderr = "";
  const seen: Array<() => void> = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    seen.forEach((check) => check());
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  /** Resolves once stdout contains `text`. */
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => stdout.includes(text) && resolve();
      seen.push(check);
      check();
    });
  return { child, done, printed };
}

const runAsUser = (args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<CliResult> =>
  startAsUser(args, env, stdin).done;

describe("agent-claw run as a command on the user's PATH", () => {
  it("prints the version alone, with nothing on stderr", async () => {
    for (const flag of ["--version", "-v"]) {
      const result = await runAsUser([flag], world.env);
      expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    }
  });

  it("runs a turn even when the system Node is older than the CLI needs", async () => {
    world.fake.script([{ text: "Hello from the fake model!" }]);
    const result = await runAsUser(["agent", "-m", "hi"], world.env);
    expect(result).toMatchObject({ code: 0, stdout: "Hello from the fake model!\n", stderr: "" });
  });

  it("passes stdin on to the project's Node", async () => {
    world.fake.script([{ text: "Read it." }]);
    const result = await runAsUser(["agent", "-m", "-"], world.env, "a message from a pipe\n");
    expect(result).toMatchObject({ code: 0, stdout: "Read it.\n" });
    expect(JSON.stringify(world.fake.requests[0]?.messages)).toContain("a message from a pipe");
  });

  it("passes a SIGINT sent to it alone on, so the gateway stops", async () => {
    const run = startAsUser(["gateway", "--port", "0"], world.env);
    onTestFinished(() => void run.child.kill("SIGTERM")); // a gateway left running, should this fail
    await run.printed("agent-claw gateway ready");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result).toMatchObject({ code: 0, signal: null });
  });

  it("passes the exit code on", async () => {
    const result = await runAsUser(["agent", "-m", " "], world.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: The message is empty; pass some text with -m.\n");
  });
});
