// The list of ignored groups stays short and recent, and a busy group is logged once an hour.
import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../../core/messages.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createIgnoredGroups, IGNORED_GROUP_LOG_EVERY_MS } from "./ignored-groups.ts";

const inGroup = (id: string, title?: string) =>
  ({
    id: `m-${id}`,
    channel: "telegram",
    account: "default",
    chat: { id, kind: "group", ...(title && { title }) },
    sender: { id: "7", name: "Eve" },
    text: "@bot hi",
    at: 0,
  }) as InboundMessage;

describe("ignored groups", () => {
  it("logs a group the first time and then at most once an hour, counting every message", async () => {
    const clock = createFakeClock();
    const groups = createIgnoredGroups();
    expect(groups.note(inGroup("-100", "Book club"), clock.now())).toBe(true);
    await clock.advance(IGNORED_GROUP_LOG_EVERY_MS - 1);
    expect(groups.note(inGroup("-100"), clock.now())).toBe(false);
    await clock.advance(1);
    expect(groups.note(inGroup("-100"), clock.now())).toBe(true);
    expect(groups.list([])).toEqual([
      {
        chatId: "-100",
        title: "Book club",
        firstSeenAt: clock.now() - IGNORED_GROUP_LOG_EVERY_MS,
        lastSeenAt: clock.now(),
        messages: 3,
      },
    ]);
  });

  it("logs at most `limit` lines an hour, however many groups take turns", async () => {
    const clock = createFakeClock();
    const groups = createIgnoredGroups({ limit: 3 });
    const logged = () =>
      ["-1", "-2", "-3", "-4"].filter((id) => groups.note(inGroup(id), clock.now())).length;
    expect(logged()).toBe(3);
    // Each group is pushed out by the next and comes back as new: still nothing more this hour.
    expect(logged()).toBe(0);
    await clock.advance(IGNORED_GROUP_LOG_EVERY_MS);
    expect(logged()).toBe(3);
  });

  it("keeps the most recent groups up to its limit, newest first, leaving out allowed ones", () => {
    const groups = createIgnoredGroups({ limit: 3 });
    for (const [i, id] of ["-1", "-2", "-3", "-4"].entries()) groups.note(inGroup(id), i);
    groups.note(inGroup("-2"), 10);
    expect(groups.list([]).map((g) => g.chatId)).toEqual(["-2", "-4", "-3"]);
    expect(groups.list(["-4"]).map((g) => g.chatId)).toEqual(["-2", "-3"]);
  });
});
