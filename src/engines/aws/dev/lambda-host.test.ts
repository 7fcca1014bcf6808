// The Lambda host: warm environments are reused, each sees only its own env, and a timeout, a kill
// or a crash ends the environment so the next invocation starts cold.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLambdaHost, InvocationError, type LambdaHost } from "./lambda-host.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundle(name: string, code: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return file;
}

// Module scope counts invocations per environment; the event picks what the handler does.
const ECHO = bundle(
  "echo",
  `let calls = 0;
export async function handler(event, context) {
  calls++;
  if (event.hang) await new Promise(() => {});
  if (event.crash) setTimeout(() => { throw new Error("crashed outside the handler"); }, event.crash);
  if (event.wait) await new Promise((resolve) => setTimeout(resolve, event.wait));
  if (event.fail) throw new Error("handler failed: " + event.fail);
  if (event.log) console.log(event.log);
  return { calls, greeting: process.env.GREETING, home: process.env.HOME ?? null, remaining: context.getRemainingTimeInMillis() > 0, echo: event };
}`,
);

describe("createLambdaHost", () => {
  const hosts: LambdaHost[] = [];
  const host = (options: Partial<Parameters<typeof createLambdaHost>[0]> = {}) => {
    const created = createLambdaHost({
      name: "echo",
      bundle: ECHO,
      env: { GREETING: "hello" },
      maxConcurrency: 2,
      timeoutMs: 5_000,
      log: () => {},
      ...options,
    });
    hosts.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });

  it("answers with the handler's result from a warm environment that sees only the function's env", async () => {
    const lambda = host();
    expect(await lambda.invoke({ n: 1 })).toEqual({
      calls: 1,
      greeting: "hello",
      home: null,
      remaining: true,
      echo: { n: 1 },
    });
    expect(await lambda.invoke({ n: 2 })).toMatchObject({ calls: 2, echo: { n: 2 } });
    expect(lambda.coldStarts).toBe(1);
  });

  it("runs at most maxConcurrency environments, queueing the rest", async () => {
    const lambda = host({ maxConcurrency: 2 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => lambda.invoke({ wait: 50, n })));
    expect(results).toEqual([1, 2, 3, 4].map((n) => expect.objectContaining({ echo: { wait: 50, n } })));
    expect(lambda.coldStarts).toBe(2);
  });

  it("reports a thrown error and keeps the environment", async () => {
    const lambda = host();
    await expect(lambda.invoke({ fail: "no" })).rejects.toMatchObject({
      kind: "error",
      message: expect.stringContaining("handler failed: no"),
    });
    expect(await lambda.invoke({})).toMatchObject({ calls: 2 });
    expect(lambda.coldStarts).toBe(1);
  });

  it("ends an environment that times out, is killed or crashes; the next invocation starts cold", async () => {
    const lambda = host({ timeoutMs: 1500 });
    await expect(lambda.invoke({ hang: true })).rejects.toMatchObject({
      kind: "timeout",
      message: "Task timed out after 1.5 seconds",
    });
    const killer = new AbortController();
    const killed = lambda.invoke({ hang: true }, killer.signal);
    killer.abort();
    await expect(killed).rejects.toBeInstanceOf(InvocationError);
    await expect(killed).rejects.toMatchObject({ kind: "killed" });
    await expect(lambda.invoke({ crash: 1, wait: 500 })).rejects.toMatchObject({
      kind: "error",
      message: expect.stringContaining("crashed outside the handler"),
    });
    expect(await lambda.invoke({})).toMatchObject({ calls: 1 });
    expect(lambda.coldStarts).toBe(4);
  });

  it("replaces an environment that crashes between invocations", async () => {
    let ended!: () => void;
    const environmentEnded = new Promise<void>((resolve) => (ended = resolve));
    const lambda = host({ maxConcurrency: 1, onEnvironmentEnd: () => ended() });
    // The handler returns; the timer it leaves behind ends the environment while it is idle.
    expect(await lambda.invoke({ crash: 50 })).toMatchObject({ calls: 1 });
    await environmentEnded;
    expect(await lambda.invoke({})).toMatchObject({ calls: 1 });
    expect(lambda.coldStarts).toBe(2);
  });

  it("passes the function's output to log, line by line", async () => {
    const lines: string[] = [];
    const lambda = host({ log: (line) => lines.push(line) });
    await lambda.invoke({ log: "first\nsecond" });
    await lambda.close();
    expect(lines).toEqual(["first", "second"]);
  });

  it("refuses invocations after close, including those waiting for an environment", async () => {
    const lambda = host({ maxConcurrency: 1 });
    const busy = expect(lambda.invoke({ hang: true })).rejects.toMatchObject({ kind: "error" });
    const queued = expect(lambda.invoke({})).rejects.toMatchObject({ kind: "killed" });
    await lambda.close();
    await busy;
    await queued;
    await expect(lambda.invoke({})).rejects.toMatchObject({ kind: "killed" });
  });
});
