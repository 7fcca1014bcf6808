// The OpenAI-compatible API, driven by the official `openai` npm client exactly as a user sets it up,
// against a gateway whose model is a fake OpenAI-compatible server.
import { DatabaseSync } from "node:sqlite";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { createGate } from "../fakes/openai-chat-server.ts";
import { TOKEN, useGatewayWorld } from "./gateway-world.ts";
import type { RecordedRequest } from "../fakes/model-script.ts";

const world = useGatewayWorld();
const client = (apiKey = TOKEN) => new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey, maxRetries: 0 });
const echo = (request: RecordedRequest) => ({ text: `echo: ${request.lastUserText}` });
const say = (text: string, user?: string) => ({
  model: "agent-claw",
  messages: [{ role: "user" as const, content: text }],
  ...(user && { user }),
});

describe("POST /v1/chat/completions", () => {
  it("answers with the model's reply and usage; only the last user message is new input", async () => {
    world.fake.script([{ text: "Hello there!", usage: { inputTokens: 30, outputTokens: 4 } }]);
    const completion = await client().chat.completions.create({
      model: "agent-claw/main",
      messages: [
        { role: "system", content: "You are a pirate." },
        { role: "user", content: "an old message" },
        { role: "assistant", content: "an old reply" },
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ],
      temperature: 0.2,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("agent-claw/main");
    expect(completion.choices[0]?.message.content).toBe("Hello there!");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 4, total_tokens: 34 });
    // The agent sends its own history and system prompt, not the client's.
    expect(world.fake.requests[0]?.messages.map((m) => [m.role, m.text])).toEqual([["user", "hi"]]);
    expect(world.fake.requests[0]?.system).not.toContain("pirate");
  });

  it("streams text deltas while the turn runs, then finishes with usage and [DONE]", async () => {
    const gate = createGate();
    world.fake.script([{ text: ["Hel", "lo ", "world"], hold: { after: 1, gate } }]);
    const stream = await client().chat.completions.create({
      ...say("stream please"),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const iterator = stream[Symbol.asyncIterator]();
    // The first text arrives while the model is still parked mid-reply.
    while (!chunks.some((c) => c.choices[0]?.delta.content)) chunks.push((await iterator.next()).value);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hel");
    gate.release();
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks.push(next.value);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello world");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it("keeps one session per `user`; different users do not share history", async () => {
    world.fake.script([{ text: "Noted: 42." }, echo, echo]);
    const api = client();
    await api.chat.completions.create(say("my number is 42", "alice"));
    await api.chat.completions.create(say("what is my number?", "alice"));
    await api.chat.completions.create(say("what is my number?", "bob"));
    expect(world.fake.requests[1]?.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "my number is 42"],
      ["assistant", "Noted: 42."],
      ["user", "what is my number?"],
    ]);
    expect(world.fake.requests[2]?.messages.map((m) => m.text)).toEqual(["what is my number?"]);
    const keys = (await world.gateway.ctx.assistant.ports.sessions.list()).map((s) => s.key).sort();
    expect(keys).toEqual(["agent:main:http:alice", "agent:main:http:bob"]);
  });

  it("talks in agent:main:http:default without a user, and in the main chat when asked by header", async () => {
    world.fake.script([echo, echo]);
    const api = client();
    await api.chat.completions.create(say("no user"));
    await api.chat.completions.create(say("to main"), { headers: { "x-agent-claw-session": "main" } });
    const keys = (await world.gateway.ctx.assistant.ports.sessions.list()).map((s) => s.key).sort();
    expect(keys).toEqual(["agent:main:http:default", "agent:main:main"]);
  });

  it("answers a repeated Idempotency-Key from the one stored turn, also when the repeats overlap", async () => {
    const gate = createGate();
    world.fake.script([{ text: "only once", hold: { after: 0, gate } }, echo]);
    const api = client();
    const options = { headers: { "Idempotency-Key": "req-1" } };
    const first = api.chat.completions.create(say("do it"), options).withResponse();
    await gate.reached;
    const second = api.chat.completions.create(say("do it"), options);
    gate.release();
    const [{ data, response }, repeat] = await Promise.all([first, second]);
    const third = await api.chat.completions.create(say("do it"), options);
    const streamed = await api.chat.completions.create({ ...say("do it"), stream: true }, options);
    let text = "";
    for await (const chunk of streamed) text += chunk.choices[0]?.delta.content ?? "";
    expect([data, repeat, third].map((c) => c.choices[0]?.message.content)).toEqual(
      Array(3).fill("only once"),
    );
    expect(text).toBe("only once");
    expect(repeat.id).toBe(data.id);
    expect(response.headers.get("x-agent-claw-job-id")).toBe("http:req-1");
    expect(world.fake.requests).toHaveLength(1);
  });

  it("delivers a failed turn's apology as the reply, marked by a header", async () => {
    const failure = { error: { status: 400, message: "context too long" } };
    world.fake.script([failure, failure]);
    const { data, response } = await client().chat.completions.create(say("hi")).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get("x-agent-claw-outcome")).toBe("failed");
    expect(data.choices[0]?.message.content).toMatch(/^Sorry, I could not answer this message/);
  });
});

describe("shutdown", () => {
  /** Polls state.db (read-only) until the job is in the durable queue. */
  async function queued(jobId: string) {
    const db = new DatabaseSync(world.gateway.ctx.assistant.paths.stateDb, { readOnly: true });
    try {
      const find = db.prepare("SELECT 1 FROM queue_messages WHERE dedupe_id = ?");
      await expect.poll(() => find.get(jobId), { timeout: 5_000, interval: 5 }).toBeDefined();
    } finally {
      db.close();
    }
  }

  it("answers 503 with Retry-After for a queued message; a retry after the restart gets its reply", async () => {
    const gate = createGate();
    world.fake.script([{ text: "first", hold: { after: 0, gate } }, echo]);
    const session = { "x-agent-claw-session": "s" };
    const first = client().chat.completions.create(say("A"), { headers: session });
    await gate.reached;
    const body = JSON.stringify(say("B"));
    const waiting = world.call("/v1/chat/completions", {
      method: "POST",
      body,
      headers: { ...session, "idempotency-key": "b-1" },
    });
    await queued("http:b-1");
    const closing = world.gateway.close();
    gate.release(); // the running turn finishes during the drain
    const refused = await waiting;
    await closing;
    expect((await first).choices[0]?.message.content).toBe("first");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.headers.get("x-should-retry")).toBe("true");
    expect(await refused.json()).toMatchObject({ error: { code: "shutting_down" } });

    await world.restart();
    const retried = await client().chat.completions.create(say("B"), {
      headers: { ...session, "Idempotency-Key": "b-1" },
    });
    expect(retried.choices[0]?.message.content).toBe("echo: B");
    expect(world.fake.requests.map((r) => r.lastUserText)).toEqual(["A", "B"]);
  });
});

describe("errors", () => {
  it("refuses a wrong key with 401", async () => {
    const error = await client("wrong-key")
      .models.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
  });

  it("names the valid models for an unknown one", async () => {
    const error = await client()
      .chat.completions.create({ ...say("hi"), model: "gpt-4o" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    expect((error as Error).message).toContain(
      '"gpt-4o" does not exist on this gateway. Use one of: agent-claw, agent-claw/main',
    );
  });

  it.each([
    [
      { model: "agent-claw", messages: [{ role: "user", content: 42 }] },
      "messages[0].content: expected a string or an array of content parts",
    ],
    [{ model: "agent-claw", messages: [{ role: "system", content: "hi" }] }, "messages has no user message"],
    [{ model: "agent-claw", messages: [] }, "messages: needs at least one message"],
    [
      { messages: [{ role: "user", content: "hi" }] },
      'model: required: the agent to talk to, e.g. "agent-claw"',
    ],
    [
      {
        model: "agent-claw",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }],
      },
      'only text parts ({ "type": "text", "text": "..." }) are supported, got type "image_url"',
    ],
    [{ ...say("hi"), n: 2 }, "n: only n = 1 is supported"],
  ])("answers 400 with a precise message for %j", async (body, message) => {
    const error = await client()
      .chat.completions.create(body as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain(message);
    expect(world.fake.requests).toHaveLength(0);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await world.call("/v1/chat/completions", { method: "POST", body: "{oops" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringContaining("not valid JSON") },
    });
  });
});

describe("GET /v1/models", () => {
  it("lists the agents as models", async () => {
    const api = client();
    const models = [];
    for await (const model of api.models.list()) models.push(model.id);
    expect(models).toEqual(["agent-claw", "agent-claw/main"]);
    expect(await api.models.retrieve("agent-claw/main")).toMatchObject({
      id: "agent-claw/main",
      object: "model",
    });
  });
});
