// The AgentCore Runtime server over real parts: the serverless engine's ports on the emulators, the
// fake OpenAI-compatible model, and a real HTTP server on 127.0.0.1 answering /ping and /invocations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_HEADER } from "../../src/runtime/invocation.ts";
import { createGate } from "../fakes/openai-chat-server.ts";
import { asTurn, ownerJob as job } from "./owner-turn.ts";
import { type RuntimeWorld, startRuntimeWorld } from "./runtime-world.ts";

describe("agent-claw runtime", () => {
  let world: RuntimeWorld;
  beforeAll(async () => {
    world = await startRuntimeWorld();
  }, 60_000);
  afterAll(() => world?.close());

  const ping = async () => (await fetch(`${world.server.url}/ping`)).json();
  const invoke = (body: unknown, headers: Record<string, string> = {}) => world.invoke(body, headers);
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { message: string } }).error.message;

  it("answers /ping Healthy without loading the engine", async () => {
    const before = Math.floor(Date.now() / 1000);
    expect(await ping()).toEqual({ status: "Healthy", time_of_last_update: expect.any(Number) });
    expect((await ping()).time_of_last_update).toBeLessThanOrEqual(before + 1);
    expect(world.loads).toEqual([]);
  });

  it("refuses a malformed invocation with what to send instead, before any engine loads", async () => {
    const missing = await fetch(`${world.server.url}/invocations`, {
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
    expect(reason).toContain("neither a turn");
    expect(reason).toContain("message.text: required: the message text");
    expect(reason).toContain("channel.chatKind");

    const { turnIds: _ids, ...turn } = asTurn(job("hi")).turn;
    const noIds = await invoke({ turn: { ...turn, trust: [], options: { light: "yes" } } });
    expect(noIds.status).toBe(400);
    const why = await errorOf(noIds);
    expect(why).toContain("The body is not a turn");
    expect(why).toContain("turn.turnIds");
    expect(why).toContain("turn.options.light");

    const command = await invoke({ ...job("/status"), command: "status" });
    expect(command.status).toBe(400);
    expect(await errorOf(command)).toContain("answered by the runner Lambda");
    expect(world.loads).toEqual([]);
  });

  it("runs a turn and answers JSON with the reply and usage; a retry of the same job makes no second model call", async () => {
    world.model.script([{ text: "Hello Ada, from the runtime." }]);
    const body = job("hello from AgentCore");
    const response = await invoke(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      type: "result",
      reply: "Hello Ada, from the runtime.",
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
      sessionId: expect.any(String),
      steps: 1,
      stopReason: "done",
    });
    expect(JSON.stringify(world.model.requests.at(-1))).toContain("hello from AgentCore");

    const calls = world.model.requests.length;
    // The runner's form of the same turn: its turn id is the job's, so it is answered from the transcript.
    const retried = await invoke(asTurn(body));
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ reply: "Hello Ada, from the runtime.", steps: 0 });
    expect(world.model.requests.length).toBe(calls);
    expect(world.loads).toHaveLength(1);
  });

  it("streams the turn's events as SSE frames ending in the result", async () => {
    world.model.script([{ text: "Streamed to you." }]);
    const response = await invoke(job("stream please"), { accept: "text/event-stream" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    const data = frames.map((frame) => JSON.parse(frame.replace(/^data: /, "")) as { type: string });
    expect(data.map((d) => d.type)).toContain("text_delta");
    expect(data.at(-1)).toEqual({
      type: "result",
      reply: "Streamed to you.",
      usage: expect.any(Object),
      sessionId: expect.any(String),
      steps: 1,
      stopReason: "done",
    });
  });

  it("reports a failed turn as 500 in JSON and as an error event in SSE", async () => {
    const broken = () =>
      Array.from({ length: 6 }, () => ({ error: { status: 400, message: "the model is broken" } }));
    world.model.script(broken());
    const json = await invoke(job("fail please"));
    expect(json.status).toBe(500);
    expect(await json.json()).toEqual({
      error: {
        message: expect.stringContaining("the model is broken"),
        kind: "model",
        modelKind: "bad_request",
      },
    });

    world.model.script(broken());
    const sse = await invoke(job("fail again"), { accept: "text/event-stream" });
    const last = (await sse.text()).trim().split("\n\n").at(-1)!;
    expect(last).toMatch(/^event: error\ndata: \{"message":".*the model is broken.*","kind":"model"/);
    expect(await ping()).toMatchObject({ status: "Healthy" });
  });

  it("says HealthyBusy while a turn runs, refuses a second invocation with 409, and is Healthy after", async () => {
    const gate = createGate();
    world.model.script([{ text: "Finally done.", hold: { after: 0, gate } }]);
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
