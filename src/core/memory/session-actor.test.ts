import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../messages.ts";
import { sessionKeyFor } from "../session-key.ts";
import { memoryActor } from "../turn/memory-view.ts";
import { actorOfSessionKey } from "./session-actor.ts";

const message = (over: Partial<InboundMessage>): InboundMessage => ({
  id: "m1",
  channel: "telegram",
  account: "default",
  chat: { id: "1001", kind: "dm" },
  sender: { id: "1001" },
  text: "hi",
  at: 0,
  ...over,
});
const guest = [{ level: "approved" as const, sender: "telegram:1001" }];

describe("the actor of a turn known only by its session key", () => {
  it("agrees with the actor a live turn records, for groups and per-channel direct chats", () => {
    const group = message({ chat: { id: "-100123", kind: "group" }, account: "work" });
    expect(actorOfSessionKey(sessionKeyFor(group, "main"))).toBe(memoryActor([group], guest, "group"));
    const dm = message({});
    expect(actorOfSessionKey(sessionKeyFor(dm, "per-channel-peer"))).toBe(memoryActor([dm], guest, "dm"));
  });

  it("files the owner's sessions under the owner, and never a per-peer direct chat", () => {
    expect(actorOfSessionKey("agent:main:main")).toBe("owner");
    expect(actorOfSessionKey("agent:main:hook:ci-run-4711")).toBe("owner");
    const perPeer = sessionKeyFor(message({}), "per-peer");
    expect(actorOfSessionKey(perPeer)).toBe(`session:${perPeer}`);
  });
});
