// The approval registry on its own: who may answer, stopping the turn, a presenter that cannot show
// the request, a second "always" while the first is being saved, and the timeout on the fake clock.
import { describe, expect, it } from "vitest";
import type { ApprovalOutcome } from "../../core/agent/events.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { type ApprovalPresenter, type Approver, createApprovals, type PendingApproval } from "./approvals.ts";

const ADA: Approver = { channel: "telegram", chatId: "-100", senderId: "1001" };

function world(allowAlways: (entry: string) => Promise<void> = async () => {}) {
  const clock = createFakeClock();
  const approvals = createApprovals({ clock, timeoutMs: () => 120_000, allowAlways, log: () => {} });
  const shown: PendingApproval[] = [];
  const outcomes: ApprovalOutcome[] = [];
  const presenter: ApprovalPresenter = {
    show: async (pending) => void shown.push(pending),
    settled: async (_pending, outcome) => void outcomes.push(outcome),
  };
  const ask = (signal?: AbortSignal) =>
    approvals.ask(
      {
        tool: "exec",
        summary: "rm -rf build",
        allowlistEntry: "rm -rf build",
        sessionKey: "agent:main:main",
      },
      ADA,
      presenter,
      signal,
    );
  return { clock, approvals, shown, outcomes, ask };
}

describe("approvals", () => {
  it("takes an answer only from the person it asked, in their chat", async () => {
    const { approvals, shown, ask } = world();
    const answer = ask();
    await Promise.resolve();
    const id = shown[0]!.id;
    expect(await approvals.answer(id, "once", { channel: "web" })).toMatchObject({ ok: false });
    expect(await approvals.answer(id, "once", { ...ADA, senderId: "2002" })).toMatchObject({ ok: false });
    expect(await approvals.answer(id, "once", { ...ADA, chatId: "-200" })).toMatchObject({ ok: false });
    // The same chat and sender ids on another chat platform are someone else.
    expect(await approvals.answer(id, "once", { ...ADA, channel: "slack" })).toEqual({
      ok: false,
      message: "This request can only be answered in Telegram, by the person it asked.",
    });
    expect(await approvals.answer(id, "once", ADA)).toEqual({ ok: true, outcome: "once" });
    expect(await answer).toBe(true);
  });

  it("asks a sender of any chat channel, not only Telegram's", async () => {
    const { approvals, shown, outcomes } = world();
    const bob: Approver = { channel: "matrix", chatId: "!room", senderId: "@bob" };
    const answer = approvals.ask({ tool: "exec", summary: "make", sessionKey: "agent:main:main" }, bob, {
      show: async (pending) => void shown.push(pending),
      settled: async (_p, o) => void outcomes.push(o),
    });
    await Promise.resolve();
    const id = shown[0]!.id;
    expect(await approvals.answer(id, "once", { ...bob, channel: "telegram" })).toEqual({
      ok: false,
      message: "This request can only be answered in matrix, by the person it asked.",
    });
    expect(await approvals.answer(id, "deny", bob)).toMatchObject({ ok: true, outcome: "denied" });
    expect(await answer).toBe(false);
  });

  it("is cancelled, and denied, when the turn stops", async () => {
    const { approvals, shown, outcomes, ask } = world();
    const stop = new AbortController();
    const answer = ask(stop.signal);
    await Promise.resolve();
    stop.abort();
    expect(await answer).toBe(false);
    expect(outcomes).toEqual(["cancelled"]);
    expect(await approvals.answer(shown[0]!.id, "once", ADA)).toEqual({
      ok: false,
      message: "This request is closed. Its turn was stopped, so nothing waits for it any more.",
    });
  });

  it("denies at once when the request cannot be shown", async () => {
    const { approvals } = world();
    const failing: ApprovalPresenter = {
      show: async () => {
        throw new Error("Telegram is down");
      },
      settled: async () => {},
    };
    expect(await approvals.ask({ tool: "exec", summary: "ls", sessionKey: "k" }, ADA, failing)).toBe(false);
    expect(approvals.pending()).toEqual([]);
  });

  it("times out on the clock, and not before", async () => {
    const { clock, outcomes, ask } = world();
    let settled = false;
    const answer = ask().then((ok) => ((settled = true), ok));
    await clock.advance(119_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await answer).toBe(false);
    expect(outcomes).toEqual(["expired"]);
  });

  it("saves always once: a second press while the first is saved is refused", async () => {
    let release!: () => void;
    const saved: string[] = [];
    const { approvals, shown, ask } = world(async (entry) => {
      await new Promise<void>((resolve) => (release = resolve));
      saved.push(entry);
    });
    const answer = ask();
    await Promise.resolve();
    const first = approvals.answer(shown[0]!.id, "always", ADA);
    expect(await approvals.answer(shown[0]!.id, "always", ADA)).toMatchObject({ ok: false });
    release();
    expect(await first).toEqual({ ok: true, outcome: "always" });
    expect(await answer).toBe(true);
    expect(saved).toEqual(["rm -rf build"]);
  });

  it("keeps an always given in time when the deadline passes while it is saved", async () => {
    let release!: () => void;
    const { clock, approvals, shown, outcomes, ask } = world(
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    const answer = ask();
    await Promise.resolve();
    const pressed = approvals.answer(shown[0]!.id, "always", ADA);
    await clock.advance(120_000);
    release();
    expect(await pressed).toEqual({ ok: true, outcome: "always" });
    expect(await answer).toBe(true);
    expect(outcomes).toEqual(["always"]);
  });

  it("cancels every waiting request when the gateway stops", async () => {
    const { approvals, outcomes, ask } = world();
    const answers = [ask(), ask()];
    await Promise.resolve();
    approvals.cancelAll();
    expect(await Promise.all(answers)).toEqual([false, false]);
    expect(outcomes).toEqual(["cancelled", "cancelled"]);
    expect(approvals.pending()).toEqual([]);
  });

  it("runs once when the allowlist cannot be written, and says why", async () => {
    const { approvals, shown, ask } = world(async () => {
      throw new Error("config.json is not valid JSON");
    });
    const answer = ask();
    await Promise.resolve();
    const result = await approvals.answer(shown[0]!.id, "always", ADA);
    expect(result).toMatchObject({
      ok: true,
      outcome: "once",
      note: expect.stringContaining("not valid JSON"),
    });
    expect(await answer).toBe(true);
  });
});
