// The web chat over the control protocol: chat.send streams a turn as `chat` events, chat.history
// reads it back, a repeated idempotency key is answered from the outbox, chat.abort stops a turn.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatEvent } from "../../src/gateway/control/chat-relay.ts";
import type { EventFrame } from "../../src/gateway/control/frames.ts";
import { createGate } from "../fakes/openai-chat-server.ts";
import { type ControlWorld, chatEvent, startControlWorld, type TestClient } from "./control-harness.ts";

let world: ControlWorld;

beforeEach(async () => {
  world = await startControlWorld();
});

afterEach(async () => {
  await world.close();
});

const chats = (client: TestClient) =>
  client.events.filter((e) => e.event === "chat").map((e) => e.payload as ChatEvent);

const payloadOf = (frame: EventFrame) => frame.payload as ChatEvent;

describe("chat.send", () => {
  it("streams deltas and one final after the answer, and chat.history shows both messages", async () => {
    world.fake.script([{ text: "Hello there, Ada" }]);
    const client = await world.client();

    const res = await client.request("chat.send", { text: "Hi, I am Ada", idempotencyKey: "k1" });
    expect(res).toMatchObject({
      ok: true,
      payload: { jobId: "ws:k1", sessionKey: "agent:main:main", accepted: true },
    });
    const final = await client.next(chatEvent("final", "ws:k1"));
    expect(final.payload).toEqual({
      jobId: "ws:k1",
      sessionKey: "agent:main:main",
      state: "final",
      text: "Hello there, Ada",
      usage: { inputTokens: 10, outputTokens: 5 },
    });

    const events = chats(client);
    const deltas = events.filter((e) => e.state === "delta");
    expect(deltas.map((e) => (e.state === "delta" ? e.text : ""))).toEqual(["Hello", " there,", " Ada"]);
    expect(deltas.every((e) => e.jobId === "ws:k1" && e.sessionKey === "agent:main:main")).toBe(true);
    expect(events.filter((e) => e.state === "final")).toHaveLength(1);
    expect(events.at(-1)?.state).toBe("final");
    // The answer comes before any event of its job, and seq counts events from 1 without gaps.
    expect(client.frames.findIndex((f) => f.type === "res" && f.id === res.id)).toBeLessThan(
      client.frames.findIndex((f) => f.type === "event"),
    );
    expect(client.events.map((e) => e.seq)).toEqual(client.events.map((_, i) => i + 1));
    expect(world.fake.requests[0]?.lastUserText).toBe("Hi, I am Ada");

    const history = await client.request("chat.history", {});
    expect(history).toMatchObject({
      ok: true,
      payload: {
        sessionKey: "agent:main:main",
        sessionId: expect.any(String),
        messages: [
          { role: "user", text: "Hi, I am Ada", at: expect.any(Number) },
          { role: "assistant", text: "Hello there, Ada", at: expect.any(Number) },
        ],
      },
    });
  });

  it("answers a repeated idempotencyKey with accepted false and the stored reply, without a model call", async () => {
    world.fake.script([{ text: "Only once" }]);
    const client = await world.client();
    await client.request("chat.send", { text: "hello", idempotencyKey: "same" });
    await client.next(chatEvent("final", "ws:same"));

    const again = await client.request("chat.send", { text: "hello", idempotencyKey: "same" });
    expect(again).toMatchObject({ ok: true, payload: { jobId: "ws:same", accepted: false } });
    const final = await client.next(chatEvent("final", "ws:same"));
    expect(payloadOf(final)).toMatchObject({ state: "final", text: "Only once" });
    expect(world.fake.requests).toHaveLength(1);
    const history = await client.request("chat.history", {});
    expect((history as { payload: { messages: unknown[] } }).payload.messages).toHaveLength(2);
  });

  it("uses the session given by a short name", async () => {
    world.fake.script([{ text: "Noted" }]);
    const client = await world.client();
    const res = await client.request("chat.send", { text: "work stuff", sessionKey: "work" });
    expect(res).toMatchObject({ ok: true, payload: { sessionKey: "agent:main:work", accepted: true } });
    const jobId = (res as { payload: { jobId: string } }).payload.jobId;
    expect(jobId).toMatch(/^ws:[0-9a-f-]{36}$/);
    await client.next(chatEvent("final", jobId));
    const work = await client.request("chat.history", { sessionKey: "work" });
    expect(work).toMatchObject({ payload: { messages: [{ text: "work stuff" }, { text: "Noted" }] } });
    const main = await client.request("chat.history", {});
    expect(main).toMatchObject({ payload: { sessionKey: "agent:main:main", sessionId: null, messages: [] } });
  });

  it("reports tool calls as tool events and in history", async () => {
    world.fake.script([
      { toolCalls: [{ name: "list", input: { path: "." } }] },
      { text: "Your workspace has files." },
    ]);
    const client = await world.client();
    await client.request("chat.send", { text: "what is there?", idempotencyKey: "t1" });
    const tool = await client.next(chatEvent("tool", "ws:t1"));
    expect(tool.payload).toMatchObject({ state: "tool", name: "list", input: { path: "." } });
    await client.next(chatEvent("final", "ws:t1"));
    const history = await client.request("chat.history", {});
    expect(history).toMatchObject({
      payload: {
        messages: [
          { role: "user", text: "what is there?" },
          { role: "assistant", text: "", toolCalls: [{ name: "list", input: { path: "." } }] },
          { role: "tool", toolResults: [{ name: "list", isError: false }] },
          { role: "assistant", text: "Your workspace has files." },
        ],
      },
    });
  });

  it("sends an error event when the turn fails for good", async () => {
    const error = { error: { status: 400, message: "the fake refuses" } };
    world.fake.script([error, error]);
    const client = await world.client();
    await client.request("chat.send", { text: "doomed", idempotencyKey: "e1" });
    const failed = await client.next(chatEvent("error", "ws:e1"));
    expect(payloadOf(failed)).toMatchObject({
      state: "error",
      message: expect.stringMatching(/could not answer/),
    });
    expect(chats(client).filter((e) => e.state === "final")).toHaveLength(0);
  });
});

describe("chat events across connections", () => {
  it("reach every connection that sent a message in the session, and no other", async () => {
    world.fake.script([{ text: "first" }, { text: "second" }, { text: "third" }]);
    const [a, b, bystander] = [await world.client(), await world.client(), await world.client()];
    await a.request("chat.send", { text: "one", idempotencyKey: "a1" });
    await a.next(chatEvent("final", "ws:a1"));
    await b.request("chat.send", { text: "two", idempotencyKey: "b1" });
    const seenByA = await a.next(chatEvent("final", "ws:b1"));
    expect(payloadOf(seenByA)).toMatchObject({ text: "second" });
    await b.next(chatEvent("final", "ws:b1"));
    await a.request("chat.send", { text: "three", idempotencyKey: "a2" });
    await b.next(chatEvent("final", "ws:a2"));
    await a.next(chatEvent("final", "ws:a2"));

    expect(chats(b).some((e) => e.jobId === "ws:a1")).toBe(false); // sent before b took part
    expect(await bystander.request("health")).toMatchObject({ ok: true });
    expect(bystander.events).toEqual([]);
  });
});

describe("chat.abort", () => {
  it("stops a running turn; its final holds what was said so far", async () => {
    const gate = createGate();
    world.fake.script([{ text: "one two three four", hold: { after: 1, gate } }]);
    const client = await world.client();
    try {
      await client.request("chat.send", { text: "count", idempotencyKey: "long" });
      await client.next(chatEvent("delta", "ws:long"));
      await gate.reached;
      expect(await client.request("chat.abort", {})).toMatchObject({ ok: true, payload: { aborted: true } });
      const final = await client.next(chatEvent("final", "ws:long"));
      expect(payloadOf(final)).toMatchObject({ text: "one" });
      expect(chats(client).filter((e) => e.state === "delta")).toHaveLength(1);
      expect(await client.request("chat.abort", { jobId: "ws:long" })).toMatchObject({
        payload: { aborted: false },
      });
    } finally {
      gate.release();
    }
  });
});
