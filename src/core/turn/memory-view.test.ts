// Whose memory a turn searches: the owner, one person, or one group chat.
import { describe, expect, it } from "vitest";
import type { TurnTrust } from "../intake/trust.ts";
import type { InboundMessage } from "../messages.ts";
import { memoryActor } from "./memory-view.ts";

const message = (sender: string, kind: "dm" | "group", chat = sender): InboundMessage => ({
  id: `m-${sender}`,
  channel: "telegram",
  account: "default",
  chat: { id: chat, kind },
  sender: { id: sender },
  text: "hi",
  at: 0,
});
const owner: TurnTrust = { level: "owner" };

describe("memoryActor", () => {
  it("is the owner in the owner's direct chat and where no chat is (terminal, web, API)", () => {
    expect(memoryActor([message("1", "dm")], [owner], "dm")).toBe("owner");
    expect(memoryActor([], [], "dm")).toBe("owner");
  });

  it("is the person in anyone else's direct chat, by their policy key or channel:id", () => {
    expect(memoryActor([message("1001", "dm")], [{ level: "approved", sender: "telegram:1001" }], "dm")).toBe(
      "telegram:1001",
    );
    expect(memoryActor([message("77", "dm")], [{ level: "untrusted" }], "dm")).toBe("telegram:77");
    // Several messages: the first that is not the owner's decides.
    expect(memoryActor([message("1", "dm"), message("9", "dm")], [owner, { level: "approved" }], "dm")).toBe(
      "telegram:9",
    );
  });

  it("is the group chat in a group, the owner's messages included", () => {
    expect(memoryActor([message("1", "group", "-100123")], [owner], "group")).toBe("telegram:group:-100123");
  });
});
