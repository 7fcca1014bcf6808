// The access decision for direct messages and groups under each policy, and the pairing replies.
import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../messages.ts";
import { type AccessPolicy, decideAccess, PAIRING_LIMIT_REPLY, pairingReply } from "./access.ts";

function dm(senderId = "111"): InboundMessage {
  return {
    id: "1",
    channel: "telegram",
    account: "default",
    chat: { id: senderId, kind: "dm" },
    sender: { id: senderId, name: "Ada" },
    text: "hi",
    at: 0,
  };
}

function group(chatId = "-100", addressed?: boolean): InboundMessage {
  return { ...dm("222"), chat: { id: chatId, kind: "group", title: "Family" }, addressed };
}

function policy(overrides: Partial<AccessPolicy> = {}): AccessPolicy {
  return { dmPolicy: "pairing", allowFrom: [], groups: [], requireMention: true, ...overrides };
}

describe("decideAccess in direct messages", () => {
  it("lets anyone in when the policy is open", () => {
    expect(decideAccess(dm(), policy({ dmPolicy: "open" }), false)).toEqual({ kind: "allow" });
  });

  it("lets allowFrom senders in under every policy, without pairing", () => {
    for (const dmPolicy of ["pairing", "allowlist", "open"] as const) {
      expect(decideAccess(dm("111"), policy({ dmPolicy, allowFrom: ["111"] }), false)).toEqual({
        kind: "allow",
      });
    }
  });

  it("ignores everyone else under allowlist, paired or not", () => {
    const allowlist = policy({ dmPolicy: "allowlist", allowFrom: ["999"] });
    expect(decideAccess(dm(), allowlist, false)).toEqual({ kind: "ignore", reason: "not in allowFrom" });
    expect(decideAccess(dm(), allowlist, true)).toEqual({ kind: "ignore", reason: "not in allowFrom" });
  });

  it("asks unknown senders to pair and lets paired ones in", () => {
    expect(decideAccess(dm(), policy(), false)).toEqual({ kind: "pair" });
    expect(decideAccess(dm(), policy(), true)).toEqual({ kind: "allow" });
  });
});

describe("decideAccess in groups", () => {
  it("ignores groups not listed, whatever the DM policy", () => {
    expect(decideAccess(group("-100", true), policy({ dmPolicy: "open" }), true)).toEqual({
      kind: "ignore",
      reason: "group not allowed",
    });
  });

  it("in a listed group, answers what is addressed to it; members need no pairing", () => {
    const listed = policy({ groups: ["-100"] });
    expect(decideAccess(group("-100", true), listed, false)).toEqual({ kind: "allow" });
    expect(decideAccess(group("-100", false), listed, false)).toEqual({
      kind: "ignore",
      reason: "not addressed",
    });
    expect(decideAccess(group("-100"), listed, false)).toEqual({ kind: "ignore", reason: "not addressed" });
  });

  it("answers every message of a listed group when mentions are not required", () => {
    expect(decideAccess(group("-100"), policy({ groups: ["-100"], requireMention: false }), false)).toEqual({
      kind: "allow",
    });
  });
});

describe("pairing replies", () => {
  it("give the code and the exact command the owner runs", () => {
    const text = pairingReply("ABCD2345", "telegram");
    expect(text).toContain("ABCD2345");
    expect(text).toContain("agent-claw pairing approve telegram ABCD2345");
    expect(text).toContain("valid for an hour");
  });

  it("say to try later when the owner has enough to review", () => {
    expect(PAIRING_LIMIT_REPLY).toMatch(/try again later/);
  });
});
