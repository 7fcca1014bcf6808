// Editing config.json while the gateway runs: the assistant changes without a restart, a broken
// edit is logged and the running config kept, restart-only keys are named in the log.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/core/messages.ts";
import type { GatewayContext } from "../../src/gateway/gateway-context.ts";
import type { LogLine } from "../../src/gateway/log-buffer.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

let home: string;
let fake: FakeModelServer;
let gateway: RunningGateway | undefined;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "ac-reload-"));
  fake = await startOpenAIChatFake();
});

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

const configFile = () => join(home, "config.json");
const writeConfig = (value: unknown) => writeFile(configFile(), `${JSON.stringify(value, null, 2)}\n`);

async function start(config: unknown, env: NodeJS.ProcessEnv = {}) {
  await mkdir(home, { recursive: true });
  await writeConfig(config);
  gateway = await startGateway({
    env: {
      AGENT_CLAW_HOME: home,
      AGENT_CLAW_MODEL: "openai-compatible/fake-llama",
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
      ...env,
    },
    port: 0,
    write: () => undefined,
  });
  return gateway.ctx;
}

/** Waits for a log line after `afterSeq` matching `pattern`; fails after a bounded wait with the log. */
function logLine(ctx: GatewayContext, pattern: RegExp, afterSeq: number, timeoutMs = 5_000) {
  return new Promise<LogLine>((resolve, reject) => {
    const found = ctx.logs.tail({ afterSeq }).find((line) => pattern.test(line.message));
    if (found) return resolve(found);
    const timeout = setTimeout(() => {
      stop();
      const seen = ctx.logs.tail({ afterSeq }).map((l) => `${l.level} ${l.message}`);
      reject(
        new Error(`no log line matching ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(seen)}`),
      );
    }, timeoutMs);
    const stop = ctx.logs.follow((line) => {
      if (!pattern.test(line.message)) return;
      clearTimeout(timeout);
      stop();
      resolve(line);
    });
  });
}

const lastSeq = (ctx: GatewayContext) => ctx.logs.tail().at(-1)?.seq ?? 0;

let messageCount = 0;
function turn(ctx: GatewayContext, text: string) {
  const message: InboundMessage = {
    id: `m${++messageCount}`,
    channel: "http",
    account: "default",
    chat: { id: "ada", kind: "dm" },
    sender: { id: "ada" },
    text,
    at: Date.now(),
  };
  return ctx.assistant.turn({
    sessionKey: "agent:main:main",
    messages: [message],
    channel: { channel: "http", chatKind: "dm", description: "HTTP API", interactive: false },
  });
}

const listCall = { toolCalls: [{ name: "list", input: { path: "." } }] };

describe("config hot reload in the gateway", () => {
  it("applies a new agent.maxSteps to the next turn", async () => {
    const ctx = await start({ agent: { maxSteps: 1 } });
    fake.script([listCall]);
    expect(await turn(ctx, "look around")).toMatchObject({ stopReason: "max_steps", steps: 1 });

    const seq = lastSeq(ctx);
    await writeConfig({ agent: { maxSteps: 3 } });
    expect((await logLine(ctx, /^config reloaded/, seq)).message).toBe("config reloaded: agent");
    expect(ctx.config().agent.maxSteps).toBe(3);

    fake.script([listCall, listCall, { text: "Found the workspace files." }]);
    expect(await turn(ctx, "look again")).toMatchObject({
      stopReason: "done",
      steps: 3,
      reply: "Found the workspace files.",
    });
  });

  it("runs a command once tools.exec.allowlist allows it", async () => {
    const ctx = await start({});
    const execCall = { toolCalls: [{ name: "exec", input: { command: "echo hello-from-exec" } }] };
    fake.script([execCall, { text: "ok" }]);
    await turn(ctx, "say hello");
    const refused = fake.requests.at(-1)!.messages.at(-1)!.toolResults[0]!.output;
    expect(refused).toContain("not approved");

    const seq = lastSeq(ctx);
    await writeConfig({ tools: { exec: { allowlist: ["echo *"] } } });
    await logLine(ctx, /^config reloaded: tools$/, seq);
    expect(ctx.config().tools.exec.allowlist).toEqual(["echo *"]);

    fake.script([execCall, { text: "ok" }]);
    await turn(ctx, "say hello again");
    const ran = fake.requests.at(-1)!.messages.at(-1)!.toolResults[0]!.output;
    expect(ran).toContain("hello-from-exec");
    expect(ran).not.toContain("not approved");
  });

  it("switches the model named in config.json (no AGENT_CLAW_MODEL set)", async () => {
    const ctx = await start({ model: "openai-compatible/model-a" }, { AGENT_CLAW_MODEL: undefined });
    fake.script([{ text: "from a" }]);
    await turn(ctx, "hi");
    expect(fake.requests.at(-1)!.model).toBe("model-a");

    const seq = lastSeq(ctx);
    await writeConfig({ model: "openai-compatible/model-b" });
    await logLine(ctx, /^config reloaded: model$/, seq);
    fake.script([{ text: "from b" }]);
    expect((await turn(ctx, "hi again")).reply).toBe("from b");
    expect(fake.requests.at(-1)!.model).toBe("model-b");
  });

  it("keeps the running config when an edit is invalid, and says so in the log", async () => {
    const ctx = await start({ agent: { maxSteps: 4 } });
    const before = structuredClone(ctx.config());

    let seq = lastSeq(ctx);
    await writeFile(configFile(), '{ "agent": { "maxSteps": 4, }');
    const broken = await logLine(ctx, /config\.json has an error/, seq);
    expect(broken.level).toBe("warn");
    expect(broken.message).toMatch(
      /^config\.json has an error; keeping the running config: .*config\.json is not valid JSON at line 1/,
    );
    expect(ctx.config()).toEqual(before);

    seq = lastSeq(ctx);
    await writeConfig({ agent: { maxSteps: 500 } });
    const invalid = await logLine(ctx, /config\.json has an error/, seq);
    expect(invalid.message).toContain("agent.maxSteps");
    expect(ctx.config()).toEqual(before);

    // Fixing the file brings reloading back.
    seq = lastSeq(ctx);
    await writeConfig({ agent: { maxSteps: 5 } });
    await logLine(ctx, /^config reloaded: agent$/, seq);
    expect(ctx.config().agent.maxSteps).toBe(5);
  });

  it("names the changed keys that need a restart", async () => {
    const ctx = await start({});
    const seq = lastSeq(ctx);
    await writeConfig({ gateway: { port: 18_790 }, agent: { workspace: "other-workspace" } });
    const line = await logLine(ctx, /after a restart/, seq);
    expect(line.level).toBe("warn");
    expect(line.message).toContain("gateway.port, agent.workspace");
    expect(ctx.logs.tail({ afterSeq: seq }).map((l) => l.message)).toContain(
      "config reloaded: agent, gateway",
    );
  });

  it("logs nothing for a change already applied through patchConfig", async () => {
    const ctx = await start({});
    const seq = lastSeq(ctx);
    await ctx.patchConfig({ "agent.maxSteps": 7 });
    // A later hand edit is the marker that the patch's own file event has been handled.
    await writeConfig({ agent: { maxSteps: 7 }, session: { dmScope: "per-peer" } });
    await logLine(ctx, /^config reloaded/, seq);
    const messages = ctx.logs.tail({ afterSeq: seq }).map((l) => l.message);
    expect(messages.filter((m) => m.startsWith("config "))).toEqual([
      "config changed: agent.maxSteps",
      "config reloaded: session",
    ]);
  });
});
