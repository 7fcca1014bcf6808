// The access decision for direct messages and groups under each policy, and the pairing replies.
import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../messages.ts";
import { type AccessPolicy, decideAccess, pairingReply } from "./access.ts";

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

/** A pairing lookup answering `answer`. */
const paired = (answer: boolean) => async () => answer;
/** A pairing lookup that must not happen: the decision does not depend on it. */
const noLookup = async (): Promise<boolean> => {
  throw new Error("looked up pairings for a message that needs none");
};

describe("decideAccess in direct messages", () => {
  it("lets anyone in when the policy is open", async () => {
    expect(await decideAccess(dm(), policy({ dmPolicy: "open" }), noLookup)).toEqual({ kind: "allow" });
  });

  it("lets allowFrom senders in under every policy, without pairing", async () => {
    for (const dmPolicy of ["pairing", "allowlist", "open"] as const) {
      expect(await decideAccess(dm("111"), policy({ dmPolicy, allowFrom: ["111"] }), noLookup)).toEqual({
        kind: "allow",
      });
    }
  });

  it("ignores everyone else under allowlist, paired or not", async () => {
    const allowlist = policy({ dmPolicy: "allowlist", allowFrom: ["999"] });
    expect(await decideAccess(dm(), allowlist, paired(false))).toEqual({
      kind: "ignore",
      reason: "not in allowFrom",
    });
    expect(await decideAccess(dm(), allowlist, paired(true))).toEqual({
      kind: "ignore",
      reason: "not in allowFrom",
    });
  });

  it("asks unknown senders to pair and lets paired ones in", async () => {
    expect(await decideAccess(dm(), policy(), paired(false))).toEqual({ kind: "pair" });
    expect(await decideAccess(dm(), policy(), paired(true))).toEqual({ kind: "allow" });
  });
});

describe("decideAccess in groups", () => {
  it("ignores groups not listed, whatever the DM policy", async () => {
    expect(await decideAccess(group("-100", true), policy({ dmPolicy: "open" }), noLookup)).toEqual({
      kind: "ignore",
      reason: "group not allowed",
    });
  });

  it("in a listed group, answers what is addressed to it; members need no pairing", async () => {
    const listed = policy({ groups: ["-100"] });
    expect(await decideAccess(group("-100", true), listed, noLookup)).toEqual({ kind: "allow" });
    expect(await decideAccess(group("-100", false), listed, noLookup)).toEqual({
      kind: "ignore",
      reason: "not addressed",
    });
    expect(await decideAccess(group("-100"), listed, noLookup)).toEqual({
      kind: "ignore",
      reason: "not addressed",
    });
  });

  it("answers every message of a listed group when mentions are not required", async () => {
    expect(
      await decideAccess(group("-100"), policy({ groups: ["-100"], requireMention: false }), noLookup),
    ).toEqual({
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
});
