// A button press under an approval message is decided at once: answering it to Telegram (which the
// rate limiter may hold back for seconds) does not hold up the webhook's 200 or the next update.
import { describe, expect, it } from "vitest";
import { createApprovals } from "../../gateway/approval/approvals.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import type { TelegramOutbound } from "./outbound.ts";
import { createTelegramApprovals } from "./telegram-approvals.ts";

describe("a Telegram button press", () => {
  it("is decided without waiting for Telegram to take the answer", async () => {
    const clock = createFakeClock();
    const approvals = createApprovals({
      clock,
      timeoutMs: () => 60_000,
      allowAlways: async () => {},
      log: () => {},
    });
    const answered: string[] = [];
    const outbound = {
      // Held back, as a rate-limited call is: never settles in this test.
      answerCallback: (_id: string, text?: string) => {
        answered.push(text ?? "");
        return new Promise<void>(() => {});
      },
    } as unknown as TelegramOutbound;
    const telegram = createTelegramApprovals({ desk: approvals, clock, outbound, log: () => {} });
    const owner = { channel: "telegram", chatId: "1001", senderId: "1001" } as const;
    let id = "";
    const decision = approvals.ask({ tool: "exec", summary: "ls", sessionKey: "k" }, owner, {
      show: async (pending) => void (id = pending.id),
      settled: async () => {},
    });
    await Promise.resolve();

    await telegram.onCallback({
      queryId: "q1",
      senderId: "1001",
      senderName: "Ada",
      chatId: "1001",
      data: `ap:${id}:o`,
    });
    expect(await decision).toBe(true);
    expect(answered).toEqual(["Approved once"]);
  });
});
