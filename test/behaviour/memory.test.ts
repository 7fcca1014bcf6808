// Memory through the one assistant factory, with the fake OpenAI-compatible model: what the owner said
// in an earlier conversation is found by memory_search in a later one, a note the agent writes is
// found in the same turn, someone else's search finds neither the owner's words nor private notes, and a group finds its own talk, never a member's private words.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TurnTrust } from "../../src/core/intake/trust.ts";
import type { ChannelContext, InboundMessage } from "../../src/core/messages.ts";
import { createAssistant } from "../../src/engines/assistant.ts";
import { configFromEnv } from "../../src/engines/aws/config-from-env.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import type { RecordedRequest } from "../fakes/model-script.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { type EngineInstance, engines } from "./engines.ts";

const START = Date.UTC(2026, 11, 7, 9, 0, 0);
const DM: ChannelContext = {
  channel: "telegram",
  chatKind: "dm",
  description: "Telegram",
  interactive: false,
};

let count = 0;
const inbound = (text: string, sender = "42", group?: string): InboundMessage => ({
  id: `m${++count}`,
  channel: "telegram",
  account: "default",
  chat: group ? { id: group, kind: "group" } : { id: sender, kind: "dm" },
  sender: { id: sender },
  text,
  at: START,
});
/** What the model was shown as the last tool result of a request. */
const lastToolResult = (request: RecordedRequest | undefined) =>
  request?.messages.at(-1)?.toolResults[0]?.output ?? "";

// The aws engine wires AgentCore Memory only with a memory id and its stand-in (test/lambda covers it).
describe.each(engines.filter((e) => e.name === "local"))("memory on the $name engine", (engine) => {
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

  async function open() {
    instance = await engine.open(START);
    const env = {
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      AGENT_CLAW_CONFIG: JSON.stringify({ agent: { timezone: "UTC" } }),
    };
    const ports = instance.ports;
    return createAssistant({
      ports,
      config: configFromEnv(env),
      env,
      engine: engine.name,
      workspaceDir: ports.workspace.location,
    });
  }
  const say = (
    assistant: Awaited<ReturnType<typeof open>>,
    sessionKey: string,
    text: string,
    trust?: TurnTrust,
    sender?: string,
  ) =>
    assistant.turn({
      sessionKey,
      messages: [inbound(text, sender)],
      channel: DM,
      ...(trust && { trust: [trust] }),
    });

  it("finds what was said in an earlier conversation, and a note written in this turn", async () => {
    const assistant = await open();
    expect(assistant.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["memory_search", "memory_get"]),
    );
    fake.script([{ text: "Noted: the spare key is under the blue flowerpot." }]);
    await say(assistant, "agent:main:main", "The spare key is under the blue flowerpot.");
    await assistant.ports.sessions.reset("agent:main:main"); // a new conversation: the old one is not in context

    fake.script([
      { toolCalls: [{ name: "memory_search", input: { query: "spare key" } }] },
      (request) => ({ text: `Found: ${lastToolResult(request)}` }),
    ]);
    const recall = await say(assistant, "agent:main:main", "Where is the spare key?");
    expect(recall.reply).toMatch(
      /^Found: 1\. conversation agent:main:main \(2026-12-07\)\n {3}user: The spare key is under the blue flowerpot\./,
    );
    expect(fake.requests.at(-2)?.system).toContain("call memory_search");

    fake.script([
      {
        toolCalls: [
          {
            name: "write",
            input: { path: "memory/2026-12-07.md", content: "# Monday\nDentist moved to Friday 10:00.\n" },
          },
        ],
      },
      { toolCalls: [{ name: "memory_search", input: { query: "dentist friday" } }] },
      (request) => ({ text: lastToolResult(request) }),
    ]);
    const note = await say(
      assistant,
      "agent:main:main",
      "Note that the dentist moved to Friday 10:00, then check it.",
    );
    expect(note.reply).toMatch(/^1\. memory\/2026-12-07\.md:1-2\n {3}.*Dentist moved to Friday/);
  });

  it("in a group finds what was said in that group, never what a member told the assistant privately", async () => {
    const assistant = await open();
    const bea: TurnTrust = { level: "approved", sender: "telegram:77" };
    const GROUP: ChannelContext = { ...DM, chatKind: "group" };
    const inGroup = (text: string) =>
      assistant.turn({
        sessionKey: "agent:main:telegram:group:-100",
        messages: [inbound(text, "77", "-100")],
        channel: GROUP,
        trust: [bea],
      });
    fake.script([{ text: "ok" }]);
    await say(assistant, "agent:main:telegram:dm:77", "Privately: my surgery is on the 12th.", bea, "77");
    fake.script([{ text: "ok" }]);
    await inGroup("The picnic moves to the 12th.");
    fake.script([
      { toolCalls: [{ name: "memory_search", input: { query: "what is on the 12th surgery picnic" } }] },
      (request) => ({ text: lastToolResult(request) }),
    ]);
    const found = await inGroup("What happens on the 12th?");
    expect(found.reply).toContain("The picnic moves to the 12th.");
    expect(found.reply).not.toContain("surgery is on");
  });

  it("gives someone else neither the owner's conversations nor private notes, but their own words", async () => {
    const assistant = await open();
    await assistant.ports.workspace.write("MEMORY.md", "# Memory\nThe owner's pin is 9911 for the bank.\n");
    await assistant.ports.workspace.write("notes/shared.md", "The bank opens at 9.\n");
    fake.script([{ text: "ok" }]);
    await say(assistant, "agent:main:main", "My bank is the one on Elm Street.");
    const guest: TurnTrust = { level: "approved", sender: "telegram:77" };
    fake.script([{ text: "ok" }]);
    await say(assistant, "agent:main:telegram:dm:77", "I bank with the credit union.", guest, "77");

    fake.script([
      { toolCalls: [{ name: "memory_search", input: { query: "bank pin Elm credit union" } }] },
      (request) => ({ text: lastToolResult(request) }),
    ]);
    const found = await say(assistant, "agent:main:telegram:dm:77", "Where do I bank?", guest, "77");
    expect(found.reply).toContain("notes/shared.md");
    expect(found.reply).toContain("I bank with the credit union.");
    expect(found.reply).not.toContain("9911");
    expect(found.reply).not.toContain("Elm Street");
    expect(found.reply).not.toContain("MEMORY.md");
  });
});
