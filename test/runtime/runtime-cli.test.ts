// `agent-claw runtime` as AgentCore starts it (the built bin/agent-claw.js): the port answers /ping
// before the engine loads, and an environment without the AWS settings is reported on the invocation.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../free-port.ts";

const bin = join(import.meta.dirname, "../../bin/agent-claw.js");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Polls until the port answers: connection refused is the only expected failure meanwhile. */
async function firstPing(url: string): Promise<Response> {
  for (;;) {
    try {
      return await fetch(`${url}/ping`);
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code !== "ECONNREFUSED") throw error;
    }
  }
}

/** Spawns `args` with `--port <free>` appended and times its first answered /ping. */
async function timeFirstPing(args: string[], env: NodeJS.ProcessEnv) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...args, "--port", String(port)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const ping = await firstPing(url);
  return { child, url, ping, elapsed: performance.now() - started };
}

// The floor: Node alone serving a port, nothing of agent-claw loaded.
const NODE_ALONE = [
  "-e",
  'require("node:http").createServer((q, s) => s.end("{}")).listen(Number(process.argv.at(-1)), "127.0.0.1")',
  // An argument before --port, or Node would read --port as one of its own options.
  "runtime",
];

describe("agent-claw runtime (built CLI)", () => {
  it("answers /ping Healthy soon after the start, then reports missing AWS settings on the first invocation", async () => {
    const floor = await timeFirstPing(NODE_ALONE, { PATH: process.env.PATH });
    const env = { PATH: process.env.PATH, AGENT_CLAW_HOME: "/nonexistent-agent-claw-home" };
    const { child, url, ping, elapsed } = await timeFirstPing([bin, "runtime"], env);
    expect(await ping.json()).toEqual({ status: "Healthy", time_of_last_update: expect.any(Number) });
    // Node alone serves a port in about 150 ms on an idle machine, the runtime about 60 ms later (the bin,
    // then a small entry); measured against Node alone, a busy machine does not fail the test.
    expect(elapsed - floor.elapsed).toBeLessThan(500);

    const invoked = await fetch(`${url}/invocations`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": "cli-session-0123456789abcdefghijklmn",
      },
      body: JSON.stringify({
        id: "http:1",
        sessionKey: "agent:main:main",
        message: {
          id: "1",
          channel: "http",
          account: "default",
          chat: { id: "c", kind: "dm" },
          sender: { id: "u" },
          text: "hi",
          at: 1,
        },
        channel: { channel: "http", chatKind: "dm", description: "HTTP", interactive: false },
      }),
    });
    expect(invoked.status).toBe(500);
    const { error } = (await invoked.json()) as { error: { message: string } };
    expect(error.message).toContain("The runtime cannot start its engine");
    expect(error.message).toContain("AGENT_CLAW_AWS_TABLE is not set");
    expect((await (await fetch(`${url}/ping`)).json()).status).toBe("Healthy");

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("refuses a port that is not a number, naming the flag", async () => {
    const child = spawn(process.execPath, [bin, "runtime", "--port", "eighty"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(err).toContain('--port must be a number from 0 to 65535, got "eighty"');
  });

  it("says in --help how to listen beyond this machine", async () => {
    const child = spawn(process.execPath, [bin, "runtime", "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await once(child, "exit");
    expect(out).toContain("--host 0.0.0.0");
    expect(out).toContain("AGENT_CLAW_RUNTIME_HOST");
    expect(out).toContain("409");
    expect(out).toContain("first session id");
  });
});
