import { describe, expect, it } from "vitest";
import type { InboundMessage } from "./messages.ts";
import { mainSessionKey, normalizeSessionKey, sessionKeyFor } from "./session-key.ts";

const dm = (over: Partial<InboundMessage> = {}): InboundMessage => ({
  id: "1",
  channel: "telegram",
  account: "default",
  chat: { id: "42", kind: "dm" },
  sender: { id: "42", name: "Ada" },
  text: "hi",
  at: 0,
  ...over,
});

describe("session keys", () => {
  it("puts every direct chat in the main session with dmScope main", () => {
    expect(sessionKeyFor(dm(), "main")).toBe("agent:main:main");
    expect(sessionKeyFor(dm({ channel: "slack", sender: { id: "U1" } }), "main")).toBe(mainSessionKey());
  });

  it("with dmScope main, gives everyone but the owner a conversation of their own", () => {
    expect(sessionKeyFor(dm(), "main", { owner: true })).toBe(mainSessionKey());
    expect(sessionKeyFor(dm({ sender: { id: "7" } }), "main", { owner: false })).toBe(
      "agent:main:telegram:dm:7",
    );
    expect(sessionKeyFor(dm({ sender: { id: "7" } }), "per-peer", { owner: false })).toBe("agent:main:dm:7");
  });

  it("separates senders with per-peer, and channels too with per-channel-peer", () => {
    expect(sessionKeyFor(dm(), "per-peer")).toBe("agent:main:dm:42");
    expect(sessionKeyFor(dm({ channel: "slack" }), "per-peer")).toBe("agent:main:dm:42");
    expect(sessionKeyFor(dm(), "per-channel-peer")).toBe("agent:main:telegram:dm:42");
    expect(sessionKeyFor(dm({ account: "work" }), "per-channel-peer")).toBe("agent:main:telegram@work:dm:42");
  });

  it("gives each group and each forum topic its own session whatever the dmScope", () => {
    const group = dm({ chat: { id: "-100123", kind: "group" } });
    expect(sessionKeyFor(group, "main")).toBe("agent:main:telegram:group:-100123");
    const topic = dm({ chat: { id: "-100123", kind: "group", threadId: "7" } });
    expect(sessionKeyFor(topic, "main")).toBe("agent:main:telegram:group:-100123:topic:7");
  });

  it("escapes separators inside ids so two chats never share a key", () => {
    const a = sessionKeyFor(dm({ sender: { id: "a:b" } }), "per-peer");
    const b = sessionKeyFor(dm({ sender: { id: "a" } }), "per-peer");
    expect(a).toBe("agent:main:dm:a%3Ab");
    expect(a).not.toBe(b);
  });

  it("accepts short names typed by a person", () => {
    expect(normalizeSessionKey("main")).toBe("agent:main:main");
    expect(normalizeSessionKey("work")).toBe("agent:main:work");
    expect(normalizeSessionKey("agent:main:telegram:dm:42")).toBe("agent:main:telegram:dm:42");
    expect(() => normalizeSessionKey("  ")).toThrow(/cannot be empty/);
  });
});
