// The chat relay on its own: events held until the answer went out, fan-out to session watchers,
// one copy of a batched turn, and nothing left subscribed or waiting once nobody listens.
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/core/agent/events.ts";
import type { TurnJob } from "../../src/core/intake/turn-job.ts";
import { type ChatEvent, type ChatRecipient, createChatRelay } from "../../src/gateway/control/chat-relay.ts";
import { createEventHub, type EventHub } from "../../src/gateway/event-hub.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";

function setup() {
  const hub = createEventHub();
  let subscriptions = 0;
  const events: EventHub = {
    ...hub,
    subscribe(filter, listener) {
      subscriptions++;
      const stop = hub.subscribe(filter, listener);
      return () => {
        subscriptions--;
        stop();
      };
    },
  };
  const waits = new Map<string, { resolve: (r: OutboxRecord) => void }>();
  const shutdown = new AbortController();
  const relay = createChatRelay({
    events,
    shutdown: shutdown.signal,
    outcome: (id, signal) =>
      new Promise<OutboxRecord>((resolve, reject) => {
        waits.set(id, { resolve });
        signal.addEventListener("abort", () => {
          waits.delete(id);
          reject(signal.reason);
        });
      }),
  });
  const finish = async (id: string, sessionKey: string, reply: string) => {
    waits.get(id)!.resolve({
      key: id,
      sessionKey,
      status: "done",
      reply,
      usage: { inputTokens: 1, outputTokens: 2 },
      createdAt: 0,
    });
    await Promise.resolve();
    await Promise.resolve();
  };
  const client = () => {
    const got: ChatEvent[] = [];
    const recipient: ChatRecipient & { got: ChatEvent[]; closed: boolean } = {
      closed: false,
      got,
      emit: (_event, payload) => got.push(payload),
    };
    return recipient;
  };
  const job = (id: string, sessionKey = "agent:main:main") => ({ id, sessionKey }) as TurnJob;
  const publish = (jobs: TurnJob[], event: AgentEvent) => hub.publish(jobs, event);
  return {
    relay,
    shutdown,
    finish,
    client,
    job,
    publish,
    waits,
    subscriptions: () => subscriptions,
  };
}

const delta = (text: string): AgentEvent => ({ type: "text_delta", text });

describe("chat relay", () => {
  it("holds a job's events until released, then delivers them in order", async () => {
    const t = setup();
    const a = t.client();
    const follow = t.relay.follow(t.job("ws:1"), a);
    t.publish([t.job("ws:1")], delta("Hel"));
    expect(a.got).toEqual([]);
    follow.release();
    t.publish([t.job("ws:1")], delta("lo"));
    await t.finish("ws:1", "agent:main:main", "Hello");
    expect(a.got.map((e) => e.state)).toEqual(["delta", "delta", "final"]);
    expect(a.got[2]).toEqual({
      jobId: "ws:1",
      sessionKey: "agent:main:main",
      state: "final",
      text: "Hello",
      usage: { inputTokens: 1, outputTokens: 2 },
    });
    expect(t.relay.following).toBe(0);
    expect(t.subscriptions()).toBe(0);
  });

  it("sends a turn of several followed jobs once, under the first", () => {
    const t = setup();
    const a = t.client();
    t.relay.follow(t.job("ws:1"), a).release();
    t.relay.follow(t.job("ws:2"), a).release();
    t.publish([t.job("telegram:9"), t.job("ws:1"), t.job("ws:2")], delta("both"));
    expect(a.got).toEqual([{ jobId: "ws:1", sessionKey: "agent:main:main", state: "delta", text: "both" }]);
  });

  it("reaches connections that sent in the session, not others", () => {
    const t = setup();
    const [a, b, other] = [t.client(), t.client(), t.client()];
    t.relay.follow(t.job("ws:a"), a).release();
    t.relay.follow(t.job("ws:o", "agent:main:work"), other).release();
    t.relay.follow(t.job("ws:b"), b).release();
    t.publish([t.job("ws:b")], delta("to a and b"));
    expect(a.got).toHaveLength(1);
    expect(b.got).toHaveLength(1);
    expect(other.got).toHaveLength(0);
  });

  it("drops subscriptions and outcome waits when the last listener closes", () => {
    const t = setup();
    const [a, b] = [t.client(), t.client()];
    t.relay.follow(t.job("ws:1"), a).release();
    t.relay.follow(t.job("ws:2"), b).release();
    expect(t.subscriptions()).toBe(2);
    a.closed = true;
    t.relay.drop(a);
    // b watches the session, so ws:1 is still followed for it.
    expect(t.relay.following).toBe(2);
    b.closed = true;
    t.relay.drop(b);
    expect(t.relay.following).toBe(0);
    expect(t.subscriptions()).toBe(0);
    expect(t.waits.size).toBe(0);
  });

  it("forgets a job whose submit failed", () => {
    const t = setup();
    const a = t.client();
    t.relay.follow(t.job("ws:1"), a).cancel();
    expect(t.relay.following).toBe(0);
    expect(t.subscriptions()).toBe(0);
    expect(t.waits.size).toBe(0);
  });

  it("stops waiting when the gateway shuts down", () => {
    const t = setup();
    t.relay.follow(t.job("ws:1"), t.client()).release();
    t.shutdown.abort();
    expect(t.waits.size).toBe(0);
  });
});
