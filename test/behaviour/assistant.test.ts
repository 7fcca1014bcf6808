// The one assistant factory on each engine's real ports, with the fake OpenAI-compatible model server:
// the file tools read and write the engine's workspace (S3 on aws), and each engine offers only the
// tools it can honour (no exec on aws, and the model is told so).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CronScope, jobFromInput } from "../../src/core/cron/cron-input.ts";
import type { InboundMessage } from "../../src/core/messages.ts";
import { createAssistant } from "../../src/engines/assistant.ts";
import { configFromEnv } from "../../src/engines/aws/config-from-env.ts";
import type { Ports } from "../../src/ports/index.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { ADA_DM, fromAda } from "./ada.ts";

const START = Date.UTC(2026, 10, 22, 9, 0, 0);
const OWNER: CronScope = { kind: "owner" };
const DM = ADA_DM;

const inbound = (text: string): InboundMessage => fromAda(text, START, { id: "m1" });

describe.each(engines)("the assistant on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  let fake: FakeModelServer;
  beforeAll(async () => {
    fake = await startOpenAIChatFake();
    await engine.setup();
  });
  afterAll(async () => {
    await fake?.close();
    await engine.teardown();
  });
  afterEach(async () => {
    await instance?.cleanup();
    instance = undefined;
  });

  async function open(settings: Record<string, unknown> = {}) {
    instance = await engine.open(START);
    const env = {
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      AGENT_CLAW_CONFIG: JSON.stringify({ agent: { timezone: "Europe/Berlin" }, ...settings }),
    };
    const ports: Ports = instance.ports;
    // The local engine's workspace is a folder exec can run in; the aws engine has none to give.
    const workspaceDir = engine.name === "local" ? ports.workspace.location : undefined;
    return createAssistant({ ports, config: configFromEnv(env), env, engine: engine.name, workspaceDir });
  }

  it("writes and reads workspace files through the file tools in a turn", async () => {
    const assistant = await open();
    const before = fake.requests.length;
    fake.script([
      { toolCalls: [{ name: "write", input: { path: "notes/todo.md", content: "buy milk\n" } }] },
      { toolCalls: [{ name: "read", input: { path: "notes/todo.md" } }] },
      (request) => ({ text: `Your list: ${request.messages.at(-1)?.toolResults[0]?.output}` }),
    ]);
    const result = await assistant.turn({
      sessionKey: "agent:main:main",
      messages: [inbound("Note that I must buy milk, then show me the list.")],
      channel: DM,
    });
    expect(result.reply).toBe("Your list: buy milk");
    const stored = await assistant.ports.workspace.read("notes/todo.md");
    expect(new TextDecoder().decode(stored!)).toBe("buy milk\n");
    expect(fake.requests.slice(before).map((r) => r.messages.at(-1)?.toolResults[0]?.output)).toEqual([
      undefined,
      "Created notes/todo.md: wrote 9 bytes.",
      "buy milk",
    ]);
  });

  it(
    engine.name === "aws"
      ? "offers no exec, even when config enables it, and tells the model it has no shell"
      : "offers exec in the workspace folder when config enables it, and claims no limits",
    async () => {
      const assistant = await open({ tools: { exec: { enabled: true } } });
      const names = assistant.tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(["read", "write", "edit", "list", "send_file", "cron"]));
      expect(names.includes("exec")).toBe(engine.name === "local");
      fake.script([{ text: "hello" }]);
      await assistant.turn({ sessionKey: "agent:main:main", messages: [inbound("hi")], channel: DM });
      const request = fake.requests.at(-1)!;
      expect(request.toolNames.includes("exec")).toBe(engine.name === "local");
      const limits = "There is no shell (no exec tool): you cannot run commands or programs";
      expect(request.system?.includes(limits)).toBe(engine.name === "aws");
    },
  );

  it("applies a new config to the next turn: tools and model", async () => {
    const assistant = await open();
    expect(assistant.tools.map((tool) => tool.name)).toContain("web_fetch");
    assistant.reconfigure({
      ...assistant.config,
      model: "openai-compatible/other",
      tools: { ...assistant.config.tools, webFetch: { ...assistant.config.tools.webFetch, enabled: false } },
    });
    expect(assistant.tools.map((tool) => tool.name)).not.toContain("web_fetch");
    fake.script([{ text: "ok" }]);
    await assistant.turn({ sessionKey: "agent:main:main", messages: [inbound("hi")], channel: DM });
    expect(fake.requests.at(-1)?.model).toBe("other");
    expect(fake.requests.at(-1)?.toolNames).not.toContain("web_fetch");
  });

  it("manages the cron jobs kept in the engine's store, in the configured time zone", async () => {
    const assistant = await open();
    expect(assistant.timeZone).toBe("Europe/Berlin");
    const input = { name: "tea", cron: "0 17 * * *", message: "Tea time" };
    const job = jobFromInput(input, { id: "tea1", now: START, tz: assistant.timeZone, scope: OWNER });
    await assistant.ports.cron.save({
      ...job,
      state: { nextRunAt: Date.UTC(2026, 10, 22, 16, 0, 0), consecutiveErrors: 0 },
    });
    expect((await assistant.cron.list(OWNER)).map((j) => [j.id, j.name, j.state.nextRunAt])).toEqual([
      ["tea1", "tea", Date.UTC(2026, 10, 22, 16, 0, 0)],
    ]);
    expect(await assistant.cron.remove("tea1", OWNER)).toBe(true);
    expect(await assistant.ports.cron.get("tea1")).toBeNull();
  });

  it("starts the first message after session.reset's hour in a fresh conversation, after a memory flush", async () => {
    // 10:00 in Berlin; the config moves the daily reset to 06:00.
    const assistant = await open({ session: { reset: { atHour: 6 } } });
    const clock = instance!.clock;
    const before = fake.requests.length;
    fake.script([
      { text: "Hello Ada." },
      { text: "Still early." },
      { text: "NO_REPLY" },
      { text: "Morning!" },
    ]);
    const say = (text: string) =>
      assistant.turn({ sessionKey: "agent:main:main", messages: [inbound(text)], channel: DM });
    const first = await say("I am Ada.");
    // 05:30 in Berlin the next day: before the reset hour, the same conversation.
    await clock.advance(Date.UTC(2026, 10, 23, 4, 30) - clock.now());
    expect((await say("Up early.")).sessionId).toBe(first.sessionId);
    await clock.advance(31 * 60_000);

    const morning = await say("Good morning!");

    expect(morning.sessionId).not.toBe(first.sessionId);
    const [flush, fresh] = fake.requests.slice(before + 2);
    expect(flush?.lastUserText).toContain("[Memory flush");
    expect(flush?.messages.map((m) => m.text)).toContain("I am Ada.");
    expect(fresh?.messages.map((m) => `${m.role}: ${m.text}`)).toEqual(["user: Good morning!"]);
    expect(await assistant.ports.sessions.history("agent:main:main")).toEqual([
      { sessionId: first.sessionId, endedAt: clock.now() },
    ]);
  });
});
