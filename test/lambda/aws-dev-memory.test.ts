// Memory in `aws dev`: the runner records each Telegram turn in the AgentCore Memory stand-in through the
// real SDK, and after extraction (run on demand here; AgentCore takes minutes) a later turn's
// memory_search call finds the fact told earlier, next to a note from the S3 workspace. (The behaviour
// suite, test/behaviour/serverless/memory.test.ts, runs the same on the daemon and with turns in AgentCore.)
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsDev, startAwsDev } from "../../src/engines/aws/dev/aws-dev.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { fakeServicesEnv } from "../fakes/fake-services-env.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";
import { freePort } from "../free-port.ts";

const ADA = 1001;

describe("memory in agent-claw aws dev", () => {
  let home: string;
  let model: FakeModelServer;
  let telegram: TelegramFake;
  let dev: AwsDev;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "aws-dev-memory-"));
    await writeFile(
      join(home, "config.json"),
      JSON.stringify({ channels: { telegram: { allowFrom: [String(ADA)], streaming: false } } }),
    );
    [model, telegram] = await Promise.all([startOpenAIChatFake(), startTelegramFake()]);
    const port = await freePort();
    dev = await startAwsDev({
      env: { AGENT_CLAW_HOME: home, ...fakeServicesEnv(model.url, telegram) },
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      visibilitySeconds: 15,
      retrySeconds: 0,
      autoSchedule: false,
      memoryExtraction: "manual",
      log: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    await dev?.close();
    await Promise.all([model?.close(), telegram?.close()]);
    await rm(home, { recursive: true, force: true });
  });

  const replies = () =>
    telegram.sent.filter((call) => call.method === "sendMessage").map((call) => call.params["text"]);

  const say = async (text: string, count: number) => {
    expect(await telegram.postToWebhook(telegram.message({ chatId: ADA, text }))).toBe(200);
    await telegram.waitFor("sendMessage", 30_000, count);
    await dev.sqs.idle();
  };

  it("gives the functions the memory's id and the stand-in's endpoint", () => {
    expect(dev.env).toMatchObject({
      AGENT_CLAW_AWS_MEMORY_ID: dev.memory.memoryId,
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE_MEMORY: dev.memory.endpoint,
    });
  });

  it("finds a fact told in one turn with memory_search in a later turn", async () => {
    model.script([{ text: "Noted: Ines lives in Porto." }]);
    await say("Remember that my sister Ines lives in Porto.", 1);
    const [event] = dev.memory.events();
    expect(event?.payload).toEqual([
      { conversational: { role: "USER", content: { text: "Remember that my sister Ines lives in Porto." } } },
      { conversational: { role: "ASSISTANT", content: { text: "Noted: Ines lives in Porto." } } },
    ]);
    expect(await dev.memory.extract()).toBeGreaterThan(0);
    await dev.ports.workspace.write("memory/2026-12-07.md", "# Monday\n\nInes visits in June.\n");

    model.script([
      { toolCalls: [{ name: "memory_search", input: { query: "Ines sister" } }] },
      { text: "Your sister Ines lives in Porto." },
    ]);
    await say("Where does my sister live?", 2);
    expect(replies()).toEqual(["Noted: Ines lives in Porto.", "Your sister Ines lives in Porto."]);
    const results = model.requests.at(-1)!.messages.flatMap((m) => m.toolResults.map((r) => r.output));
    expect(results).toHaveLength(1);
    expect(results[0]).toContain("Remember that my sister Ines lives in Porto.");
    expect(results[0]).toContain("memory/2026-12-07.md");
  }, 60_000);
});
