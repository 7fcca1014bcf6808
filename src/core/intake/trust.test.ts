import { describe, expect, it } from "vitest";
import { asTurnJob } from "./turn-job.ts";

const job = (over: Record<string, unknown> = {}): unknown => ({
  id: "telegram:default:1",
  sessionKey: "agent:main:telegram:group:-100",
  message: {
    id: "1",
    channel: "telegram",
    account: "default",
    chat: { id: "-100", kind: "group" },
    sender: { id: "666" },
    text: "hi",
    at: 0,
  },
  channel: { channel: "telegram", chatKind: "group", description: "Telegram group", interactive: false },
  origin: { channel: "telegram", account: "default", chatId: "-100" },
  ...over,
});

describe("trust read back from the durable queue", () => {
  it("keeps a valid trust as it was queued", () => {
    const trust = { level: "approved", sender: "telegram:2002" } as const;
    expect(asTurnJob(job({ trust }))?.trust).toEqual(trust);
  });

  it("takes a damaged or forged trust as untrusted, never as more", () => {
    expect(asTurnJob(job({ trust: { level: "root" } }))?.trust).toEqual({ level: "untrusted" });
    expect(asTurnJob(job({ trust: "owner" }))?.trust).toEqual({ level: "untrusted" });
    expect(asTurnJob(job({ trust: { level: "owner", extra: 1 } }))?.trust).toEqual({ level: "untrusted" });
  });

  it("takes a chat's job queued before trust was kept as untrusted, and the owner's own as the owner's", () => {
    expect(asTurnJob(job())?.trust).toEqual({ level: "untrusted" });
    expect(asTurnJob(job({ origin: undefined }))?.trust).toEqual({ level: "owner" });
  });
});
