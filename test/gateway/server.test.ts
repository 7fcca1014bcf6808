// The gateway process itself: health and readiness, the bind rule, one gateway per home, and a
// drain that finishes running turns and keeps queued messages for the next start.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.ts";
import type { TurnJob } from "../../src/core/intake/turn-job.ts";
import { startGateway } from "../../src/gateway/server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { createGate } from "../fakes/model-script.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

let fake: FakeModelServer;
let home: string;
let env: NodeJS.ProcessEnv;
const quiet = () => {};

beforeEach(async () => {
  fake = await startOpenAIChatFake();
  home = await mkdtemp(join(tmpdir(), "ac-gw-"));
  env = {
    AGENT_CLAW_HOME: home,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: fake.url,
  };
});
afterEach(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

const job = (id: string, text: string, sessionKey = "agent:main:main"): TurnJob => ({
  id,
  sessionKey,
  message: {
    id,
    channel: "web",
    account: "default",
    chat: { id: "c", kind: "dm" },
    sender: { id: "u" },
    text,
    at: 0,
  },
  channel: { channel: "web", chatKind: "dm", description: "the web chat", interactive: false },
});

describe("gateway server", () => {
  it("answers /healthz and /readyz, and says what is missing when it cannot take turns", async () => {
    const gateway = await startGateway({ env, port: 0, write: quiet });
    try {
      expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await (await fetch(`${gateway.url}/healthz`)).json();
      expect(health).toMatchObject({ ok: true, version: expect.any(String) });
      expect(await (await fetch(`${gateway.url}/readyz`)).json()).toEqual({ ready: true });
    } finally {
      await gateway.close();
    }
    const { AGENT_CLAW_MODEL: _, ...noModel } = env;
    const unready = await startGateway({ env: noModel, port: 0, write: quiet });
    try {
      const res = await fetch(`${unready.url}/readyz`);
      expect(res.status).toBe(503);
      expect((await res.json()).reason).toMatch(/no model configured/);
    } finally {
      await unready.close();
    }
  });

  it("refuses to listen beyond loopback without a token, and says how to set one", async () => {
    await expect(startGateway({ env, port: 0, bind: "0.0.0.0", write: quiet })).rejects.toThrow(
      /Refusing to listen on 0\.0\.0\.0 without a gateway token.*AGENT_CLAW_GATEWAY_TOKEN/,
    );
    const withToken = await startGateway({
      env: { ...env, AGENT_CLAW_GATEWAY_TOKEN: "a-long-enough-token-123" },
      port: 0,
      bind: "0.0.0.0",
      write: quiet,
    });
    await withToken.close();
  });

  it("refuses a gateway token under 16 characters from the environment", async () => {
    await expect(
      startGateway({ env: { ...env, AGENT_CLAW_GATEWAY_TOKEN: "short" }, port: 0, write: quiet }),
    ).rejects.toThrow("AGENT_CLAW_GATEWAY_TOKEN is 5 characters; use at least 16");
  });

  it("generates a private token on first start and keeps it", async () => {
    const first = await startGateway({ env, port: 0, write: quiet });
    const token = first.ctx.auth.token;
    await first.close();
    expect((await readFile(join(home, "gateway.token"), "utf8")).trim()).toBe(token);
    const second = await startGateway({ env, port: 0, write: quiet });
    expect(second.ctx.auth.token).toBe(token);
    expect(second.ctx.auth.source).toBe("generated");
    await second.close();
  });

  it("allows one gateway per home folder, and frees it on close", async () => {
    const first = await startGateway({ env, port: 0, write: quiet });
    try {
      await expect(startGateway({ env, port: 0, write: quiet })).rejects.toThrow(
        /Another gateway \(pid \d+\) is running/,
      );
    } finally {
      await first.close();
    }
    expect(existsSync(join(home, "gateway.pid"))).toBe(false);
    await (await startGateway({ env, port: 0, write: quiet })).close();
  });

  it("says in one line that the port is taken and how to choose another, and leaves no gateway.pid", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const error = await startGateway({ env, port, write: quiet }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        `Port ${port} on 127.0.0.1 is already in use (another gateway or program listens there). Choose another with \`agent-claw gateway --port <port>\` or gateway.port in config.json.`,
      );
      expect(existsSync(join(home, "gateway.pid"))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    // Nothing was left open: the same home starts at once on a free port.
    await (await startGateway({ env, port: 0, write: quiet })).close();
  });

  it("answers a job durably accepted through the runner, once", async () => {
    fake.script([{ text: "Hello!" }]);
    const gateway = await startGateway({ env, port: 0, write: quiet });
    try {
      expect(await gateway.ctx.runner.submit(job("t1", "hi"))).toBe(true);
      expect(await gateway.ctx.runner.submit(job("t1", "hi"))).toBe(false);
      const outcome = await gateway.ctx.runner.outcome("t1");
      expect(outcome).toMatchObject({ status: "done", reply: "Hello!" });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await gateway.close();
    }
  });

  it("drains on close: the running turn finishes, a queued one waits for the next start", async () => {
    const gate = createGate();
    fake.script([{ text: "first answer", hold: { after: 1, gate } }, { text: "second answer" }]);
    const gateway = await startGateway({ env, port: 0, write: quiet });
    await gateway.ctx.runner.submit(job("run", "first"));
    await gate.reached;
    await gateway.ctx.runner.submit(job("queued", "second"));
    const closing = gateway.close();
    expect(gateway.ctx.draining()).toBe(true);
    expect((await fetch(`${gateway.url}/readyz`).catch(() => null))?.status ?? 503).toBe(503);
    gate.release();
    await closing;
    expect(fake.requests).toHaveLength(1);

    const restarted = await startGateway({ env, port: 0, write: quiet });
    try {
      expect(await restarted.ctx.runner.outcome("run")).toMatchObject({ reply: "first answer" });
      expect(await restarted.ctx.runner.outcome("queued")).toMatchObject({ reply: "second answer" });
      expect(fake.requests).toHaveLength(2);
    } finally {
      await restarted.close();
    }
  });
});
