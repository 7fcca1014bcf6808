// The AgentCore stand-in, through the real BedrockAgentCoreClient: one runtime process per session id,
// reused while alive; reaped when idle (also when /ping says HealthyBusy without a timestamp) or past its
// lifetime, then started fresh; failed cold starts answered as AgentCore does; Stop and close() end them.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  StopRuntimeSessionCommand,
} from "@aws-sdk/client-bedrock-agentcore";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AgentCoreEmulator,
  type AgentCoreEmulatorOptions,
  INIT_FAILED_MESSAGE,
  startAgentCoreEmulator,
} from "./agentcore-emulator.ts";
import { FAKE_AWS } from "./emulators.ts";

const ARN = "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/agent_claw-test1234";
const FAKE_RUNTIME = join(import.meta.dirname, "../../../../test/fakes/agentcore-runtime-process.ts");

const sessionId = () => `acs-${randomUUID()}`;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startAgentCoreEmulator", () => {
  const opened: Array<{ emulator: AgentCoreEmulator; client: BedrockAgentCoreClient }> = [];
  afterEach(async () => {
    for (const { emulator, client } of opened.splice(0)) {
      client.destroy();
      await emulator.close();
    }
  });

  async function start(options: Partial<AgentCoreEmulatorOptions> = {}) {
    const emulator = await startAgentCoreEmulator({
      runtimeArn: ARN,
      command: { file: process.execPath, args: [FAKE_RUNTIME] },
      env: { PATH: process.env["PATH"] ?? "", GREETING: "hi" },
      pingIntervalMs: 100,
      log: () => {},
      ...options,
    });
    const client = new BedrockAgentCoreClient({ ...FAKE_AWS, endpoint: emulator.endpoint, maxAttempts: 1 });
    opened.push({ emulator, client });
    const invoke = async (session: string, body: unknown = { hello: 1 }, accept = "application/json") => {
      const output = await client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: ARN,
          qualifier: "DEFAULT",
          runtimeSessionId: session,
          payload: new TextEncoder().encode(JSON.stringify(body)),
          contentType: "application/json",
          accept,
        }),
      );
      const text = await output.response!.transformToString();
      return { output, text };
    };
    const json = async (session: string, body?: unknown) =>
      JSON.parse((await invoke(session, body)).text) as {
        pid: number;
        session: string;
        dir: string;
        body: unknown;
      };
    return { emulator, client, invoke, json };
  }

  it("serves a session from one process, reused while it lives, with the session's own disk and env", async () => {
    const { emulator, json } = await start();
    const id = sessionId();
    const first = await json(id, { n: 1 });
    const second = await json(id, { n: 2 });
    expect(second.pid).toBe(first.pid);
    expect(second).toMatchObject({ session: id, body: { n: 2 }, greeting: "hi" });
    expect(first.dir).toMatch(/agent-claw-agentcore-.*\/[0-9a-f]{16}$/);
    expect(emulator.stats()).toMatchObject({ started: 1, live: 1 });
    expect(emulator.session(id)?.pid).toBe(first.pid);
  });

  it("gives two sessions two processes", async () => {
    const { emulator, json } = await start();
    const [a, b] = await Promise.all([json(sessionId()), json(sessionId())]);
    expect(a!.pid).not.toBe(b!.pid);
    expect(emulator.stats()).toMatchObject({ started: 2, live: 2 });
  });

  it("streams the runtime's SSE frames back under the session header", async () => {
    const { invoke } = await start();
    const id = sessionId();
    const { output, text } = await invoke(id, { q: 1 }, "text/event-stream");
    expect(output.contentType).toBe("text/event-stream");
    expect(output.runtimeSessionId).toBe(id);
    const frames = text
      .split("\n\n")
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.replace(/^data: /, "")) as { type: string });
    expect(frames.map((f) => f.type)).toEqual(["text_delta", "text_delta", "result"]);
  });

  it("reaps a session idle past the idle timeout; the next call starts a fresh process", async () => {
    const { emulator, json } = await start({ idleTimeoutMs: 1_000 });
    const id = sessionId();
    const first = await json(id);
    await expect.poll(() => emulator.stats().reaped.idle, { timeout: 5_000, interval: 50 }).toBe(1);
    expect(alive(first.pid)).toBe(false);
    const again = await json(id);
    expect(again.pid).not.toBe(first.pid);
    expect(again.dir).toBe(first.dir);
    expect(emulator.stats()).toMatchObject({ started: 2, live: 1 });
  });

  it("reaps at the idle timeout a session whose /ping has no time_of_last_update, HealthyBusy or not", async () => {
    const { emulator, json } = await start({
      idleTimeoutMs: 1_000,
      env: { PATH: process.env["PATH"] ?? "", FAKE_RUNTIME_PING: "no-timestamp" },
    });
    const id = sessionId();
    const first = await json(id);
    const busy = await fetch(`${emulator.session(id)!.url}/ping`).then((r) => r.json());
    expect(busy).toEqual({ status: "HealthyBusy" });
    await expect.poll(() => emulator.stats().reaped.idle, { timeout: 5_000, interval: 50 }).toBe(1);
    expect(alive(first.pid)).toBe(false);
  });

  it("keeps a session serving a long invocation, and ends it at its maximum lifetime", async () => {
    const { emulator, invoke } = await start({ idleTimeoutMs: 300, maxLifetimeMs: 2_000 });
    const id = sessionId();
    const holding = invoke(id, { hold: true }, "text/event-stream").catch((error: Error) => error);
    await expect.poll(() => emulator.session(id), { timeout: 5_000, interval: 20 }).toBeDefined();
    const { pid, startedAt } = emulator.session(id)!;
    await expect.poll(() => emulator.stats().reaped.lifetime, { timeout: 5_000, interval: 50 }).toBe(1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
    expect(emulator.stats().reaped.idle).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(await holding).toBeInstanceOf(Error);
  });

  it("answers a failed cold start as AgentCore does, and starts the session on the next call", async () => {
    const { emulator, json } = await start();
    emulator.failNextColdStarts(1);
    const id = sessionId();
    const error = await json(id).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "RuntimeClientError",
      message: INIT_FAILED_MESSAGE,
      $metadata: { httpStatusCode: 424 },
    });
    expect((await json(id)).session).toBe(id);
    expect(emulator.stats()).toMatchObject({ failedStarts: 1, started: 1 });
  });

  it("answers a runtime that crashes while starting with the same error", async () => {
    const { emulator, json } = await start({
      env: { PATH: process.env["PATH"] ?? "", FAKE_RUNTIME_EXIT: "1" },
    });
    await expect(json(sessionId())).rejects.toMatchObject({
      name: "RuntimeClientError",
      message: INIT_FAILED_MESSAGE,
    });
    expect(emulator.stats()).toMatchObject({ failedStarts: 1, started: 0, live: 0 });
  });

  it("answers a runtime's error status with RuntimeClientError, and an unknown runtime with ResourceNotFound", async () => {
    const { client, json } = await start();
    await expect(json(sessionId(), { fail: true })).rejects.toMatchObject({
      name: "RuntimeClientError",
      message: expect.stringContaining("Received error (500) from runtime"),
    });
    await expect(
      client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: `${ARN}-other`,
          runtimeSessionId: sessionId(),
          payload: new TextEncoder().encode("{}"),
        }),
      ),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(json("too-short")).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("closes the runtime's stream when the caller goes away", async () => {
    const { emulator, client } = await start();
    const id = sessionId();
    const controller = new AbortController();
    const output = await client.send(
      new InvokeAgentRuntimeCommand({
        agentRuntimeArn: ARN,
        runtimeSessionId: id,
        payload: new TextEncoder().encode(JSON.stringify({ hold: true })),
        contentType: "application/json",
        accept: "text/event-stream",
      }),
      { abortSignal: controller.signal },
    );
    // In Node the reply stream is a Readable (the SDK's type also allows a browser Blob).
    const reader = output.response as unknown as NodeJS.ReadableStream & { destroy(): void };
    await new Promise((resolve) => reader.once("data", resolve));
    controller.abort();
    reader.destroy();
    const url = emulator.session(id)!.url;
    await expect
      .poll(async () => ((await (await fetch(`${url}/aborted`)).json()) as { aborted: number }).aborted, {
        timeout: 5_000,
        interval: 50,
      })
      .toBe(1);
  });

  it("StopRuntimeSession ends the session's process; stopping it again is ResourceNotFound", async () => {
    const { emulator, client, json } = await start();
    const id = sessionId();
    const { pid } = await json(id);
    const stop = () =>
      client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, runtimeSessionId: id }));
    expect((await stop()).runtimeSessionId).toBe(id);
    expect(alive(pid)).toBe(false);
    expect(emulator.stats()).toMatchObject({ stopped: 1, live: 0 });
    await expect(stop()).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("close() leaves no runtime process behind", async () => {
    const { emulator, client, json } = await start();
    const pids = (await Promise.all([json(sessionId()), json(sessionId()), json(sessionId())])).map(
      (r) => r.pid,
    );
    expect(pids.every(alive)).toBe(true);
    opened.splice(0);
    client.destroy();
    await emulator.close();
    expect(pids.filter(alive)).toEqual([]);
  });
});
