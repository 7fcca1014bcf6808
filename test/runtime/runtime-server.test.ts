// The AgentCore Runtime server over real parts: the serverless engine's ports on the emulators, the
// fake OpenAI-compatible model, and a real HTTP server on 127.0.0.1 answering /ping and /invocations.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  dynamoClient,
  type Emulator,
  s3Client,
  sqsClient,
  startDynalite,
  startFauxqs,
} from "../../src/engines/aws/dev/emulators.ts";
import { handlerEnvironment } from "../../src/engines/aws/dev/handler-env.ts";
import { createDevResources } from "../../src/engines/aws/dev/resources.ts";
import { openAwsTurn } from "../../src/runtime/aws-turn.ts";
import { SESSION_HEADER } from "../../src/runtime/invocation.ts";
import { type RuntimeServer, startRuntime } from "../../src/runtime/server.ts";
import { createGate, type FakeModelServer, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

const SESSION = "runtime-session-0123456789abcdefghijk";

let counter = 0;
function job(text: string, id = `telegram:default:${++counter}`) {
  return {
    id,
    sessionKey: "agent:main:main",
    message: {
      id,
      channel: "telegram",
      account: "default",
      chat: { id: "1001", kind: "dm" },
      sender: { id: "1001", name: "Ada" },
      text,
      at: Date.UTC(2026, 11, 7, 9, 0, 0),
    },
    channel: {
      channel: "telegram",
      chatKind: "dm",
      description: "Telegram chat with Ada",
      interactive: false,
    },
  };
}

describe("agent-claw runtime", () => {
  let model: FakeModelServer;
  let emulators: Emulator[] = [];
  let server: RuntimeServer;
  let loads = 0;

  beforeAll(async () => {
    const [dynamo, fauxqs, fake] = await Promise.all([startDynalite(), startFauxqs(), startOpenAIChatFake()]);
    emulators = [dynamo, fauxqs];
    model = fake;
    const clients = {
      dynamodb: dynamoClient(dynamo.endpoint),
      s3: s3Client(fauxqs.endpoint),
      sqs: sqsClient(fauxqs.endpoint),
    };
    const resources = await createDevResources(clients, { maxReceiveCount: 5, visibilitySeconds: 30 });
    const env = handlerEnvironment(
      { AGENT_CLAW_MODEL: "openai-compatible/fake", OPENAI_COMPATIBLE_BASE_URL: model.url },
      {
        resources,
        endpoints: {
          dynamodb: dynamo.endpoint,
          s3: fauxqs.endpoint,
          sqs: fauxqs.endpoint,
          scheduler: fauxqs.endpoint,
        },
        maxAttempts: 2,
        config: {},
        webhookSecret: "the-webhook-secret-0123",
      },
    );
    // The SDK's default chain reads the process's environment, as it does in the runtime's container.
    vi.stubEnv("AWS_ACCESS_KEY_ID", env.AWS_ACCESS_KEY_ID);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", env.AWS_SECRET_ACCESS_KEY);
    server = await startRuntime({
      port: 0,
      host: "127.0.0.1",
      now: Date.now,
      load: () => {
        loads++;
        return openAwsTurn(env);
      },
    });
  }, 60_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    await Promise.all([model?.close(), ...emulators.map((e) => e.stop())]);
  });

  const ping = async () => (await fetch(`${server.url}/ping`)).json();
  const invoke = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json", [SESSION_HEADER]: SESSION, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { message: string } }).error.message;

  it("answers /ping Healthy without loading the engine", async () => {
    const before = Math.floor(Date.now() / 1000);
    expect(await ping()).toEqual({ status: "Healthy", time_of_last_update: expect.any(Number) });
    expect((await ping()).time_of_last_update).toBeLessThanOrEqual(before + 1);
    expect(loads).toBe(0);
  });

  it("refuses a malformed invocation with what to send instead, before any engine loads", async () => {
    const missing = await fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(job("hi")),
    });
    expect(missing.status).toBe(400);
    expect(await errorOf(missing)).toContain(`The ${SESSION_HEADER} header is missing`);

    const short = await invoke(job("hi"), { [SESSION_HEADER]: "too-short" });
    expect(short.status).toBe(400);
    expect(await errorOf(short)).toContain("33 to 256 visible ASCII characters");

    const xml = await invoke(job("hi"), { accept: "application/xml" });
    expect(xml.status).toBe(406);
    expect(await errorOf(xml)).toContain("Accept: text/event-stream");

    const text = await invoke(job("hi"), { "content-type": "text/plain" });
    expect(text.status).toBe(415);

    const notJson = await invoke("{not json");
    expect(notJson.status).toBe(400);
    expect(await errorOf(notJson)).toContain("not valid JSON");

    const { text: _dropped, ...message } = job("hi").message;
    const noText = await invoke({ ...job("hi"), message, channel: { channel: "telegram" } });
    expect(noText.status).toBe(400);
    const reason = await errorOf(noText);
    expect(reason).toContain("The body is not a TurnJob");
    expect(reason).toContain("message.text: required: the message text");
    expect(reason).toContain("channel.chatKind");
    expect(loads).toBe(0);
  });

  it("runs a turn and answers JSON with the reply and usage; a retry of the same job makes no second model call", async () => {
    model.script([{ text: "Hello Ada, from the runtime." }]);
    const body = job("hello from AgentCore");
    const response = await invoke(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      reply: "Hello Ada, from the runtime.",
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
    });
    expect(JSON.stringify(model.requests.at(-1))).toContain("hello from AgentCore");

    const calls = model.requests.length;
    const retried = await invoke(body);
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { reply: string }).reply).toBe("Hello Ada, from the runtime.");
    expect(model.requests.length).toBe(calls);
    expect(loads).toBe(1);
  });

  it("streams the turn's events as SSE frames ending in the result", async () => {
    model.script([{ text: "Streamed to you." }]);
    const response = await invoke(job("stream please"), { accept: "text/event-stream" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    const data = frames.map((frame) => JSON.parse(frame.replace(/^data: /, "")) as { type: string });
    expect(data.map((d) => d.type)).toContain("text_delta");
    expect(data.at(-1)).toEqual({ type: "result", reply: "Streamed to you.", usage: expect.any(Object) });
  });

  it("reports a failed turn as 500 in JSON and as an error event in SSE", async () => {
    const broken = () =>
      Array.from({ length: 6 }, () => ({ error: { status: 400, message: "the model is broken" } }));
    model.script(broken());
    const json = await invoke(job("fail please"));
    expect(json.status).toBe(500);
    expect(await errorOf(json)).toContain("the model is broken");

    model.script(broken());
    const sse = await invoke(job("fail again"), { accept: "text/event-stream" });
    const last = (await sse.text()).trim().split("\n\n").at(-1)!;
    expect(last).toMatch(/^event: error\ndata: \{"message":".*the model is broken/);
    expect(await ping()).toMatchObject({ status: "Healthy" });
  });

  it("says HealthyBusy while a turn runs, refuses a second invocation with 409, and is Healthy after", async () => {
    const gate = createGate();
    model.script([{ text: "Finally done.", hold: { after: 0, gate } }]);
    const first = invoke(job("take your time"));
    await gate.reached;
    const busy = await ping();
    expect(busy.status).toBe("HealthyBusy");

    const second = await invoke(job("me too"));
    expect(second.status).toBe(409);
    expect(await errorOf(second)).toContain("retry when /ping says Healthy");

    gate.release();
    expect(((await (await first).json()) as { reply: string }).reply).toBe("Finally done.");
    const idle = await ping();
    expect(idle.status).toBe("Healthy");
    expect(idle.time_of_last_update).toBeGreaterThanOrEqual(busy.time_of_last_update);
  });
});
