// Approval requests waiting for a person, shared by the web chat and Telegram: each is shown where its
// turn's owner is, answered once (once, always, deny) by that owner only, or denied when it times out
// or its turn stops. Stale and forged answers are refused with a reason a person can act on.
import { randomBytes } from "node:crypto";
import type { ApprovalOutcome } from "../../core/agent/events.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ApprovalRequest } from "../../tools/tool.ts";
import { channelModule } from "../../channels/index.ts";
import type {
  AnswerResult,
  ApprovalChoice,
  ApprovalPresenter,
  Approver,
  PendingApproval,
} from "../../core/agent/approval-desk.ts";

export type {
  AnswerResult,
  ApprovalChoice,
  ApprovalPresenter,
  Approver,
  PendingApproval,
} from "../../core/agent/approval-desk.ts";

export interface ApprovalsOptions {
  clock: Clock;
  /** The configured timeout (tools.exec.approvalTimeoutSeconds), read per request. */
  timeoutMs: () => number;
  /** Adds an exact entry to tools.exec.allowlist. Contract: rejects when it could not be written. */
  allowAlways: (entry: string) => Promise<void>;
  log: (level: "info" | "warn", message: string) => void;
}

/** How long an answered or expired id is remembered, to tell a late answer why it is refused. */
const REMEMBER_MS = 24 * 60 * 60_000;

const ENDED: Record<ApprovalOutcome, string> = {
  once: "It was already approved (once).",
  always: "It was already approved (always).",
  denied: "It was already denied.",
  expired: "It timed out without an answer, so the command was not run.",
  cancelled: "Its turn was stopped, so nothing waits for it any more.",
};

export function createApprovals(options: ApprovalsOptions) {
  const { clock } = options;
  const waiting = new Map<
    string,
    { pending: PendingApproval; finish: (outcome: ApprovalOutcome) => void; answered?: boolean }
  >();
  const ended = new Map<string, { outcome: ApprovalOutcome; at: number }>();

  const remember = (id: string, outcome: ApprovalOutcome) => {
    const now = clock.now();
    for (const [key, entry] of ended) if (entry.at < now - REMEMBER_MS) ended.delete(key);
    ended.set(id, { outcome, at: now });
  };

  const mayAnswer = (owner: Approver, from: Approver) =>
    "chatId" in owner
      ? "chatId" in from &&
        from.channel === owner.channel &&
        from.chatId === owner.chatId &&
        from.senderId === owner.senderId
      : from.channel === "web";

  return {
    /**
     * Shows the request and waits for its answer. Contract: resolves true only for once or always;
     * a timeout, a stopped turn or a presenter that cannot show it resolve false; never rejects.
     */
    async ask(
      request: ApprovalRequest & { sessionKey: string; jobId?: string | undefined },
      owner: Approver,
      presenter: ApprovalPresenter,
      signal?: AbortSignal,
    ): Promise<boolean> {
      const pending: PendingApproval = {
        id: randomBytes(12).toString("base64url"),
        tool: request.tool,
        summary: request.summary,
        ...(request.allowlistEntry !== undefined && { allowlistEntry: request.allowlistEntry }),
        sessionKey: request.sessionKey,
        ...(request.jobId !== undefined && { jobId: request.jobId }),
        owner,
        expiresAt: clock.now() + options.timeoutMs(),
      };
      if (signal?.aborted) return false;
      const stop = new AbortController();
      const outcome = new Promise<ApprovalOutcome>((resolve) => {
        const finish = (result: ApprovalOutcome) => {
          if (!waiting.delete(pending.id)) return;
          stop.abort();
          signal?.removeEventListener("abort", cancel);
          remember(pending.id, result);
          resolve(result);
        };
        const cancel = () => finish("cancelled");
        waiting.set(pending.id, { pending, finish });
        signal?.addEventListener("abort", cancel, { once: true });
        clock.sleep(pending.expiresAt - clock.now(), stop.signal).then(
          // An answer given in time but still being saved ("always") wins over the deadline.
          () => waiting.get(pending.id)?.answered || finish("expired"),
          () => {},
        );
      });
      try {
        await presenter.show(pending);
      } catch (error) {
        options.log("warn", `approval: could not ask about ${pending.tool}: ${(error as Error).message}`);
        waiting.get(pending.id)?.finish("denied");
      }
      const result = await outcome;
      await presenter.settled(pending, result).catch(() => {});
      if (result === "expired") options.log("info", `approval: ${pending.tool} timed out unanswered; denied`);
      return result === "once" || result === "always";
    },

    /** Answers a request. Contract: never rejects; refuses unknown, ended and other people's requests. */
    async answer(id: string, choice: ApprovalChoice, from: Approver): Promise<AnswerResult> {
      const entry = waiting.get(id);
      if (entry?.answered) return { ok: false, message: "This request is being answered already." };
      if (!entry) {
        const past = ended.get(id);
        return past
          ? { ok: false, message: `This request is closed. ${ENDED[past.outcome]}` }
          : { ok: false, message: "There is no such approval request (it may be from before a restart)." };
      }
      if (!mayAnswer(entry.pending.owner, from)) {
        const { owner } = entry.pending;
        const where =
          "chatId" in owner
            ? `${channelModule(owner.channel)?.label ?? owner.channel}, by the person it asked`
            : "the web chat";
        return { ok: false, message: `This request can only be answered in ${where}.` };
      }
      if (choice === "deny") {
        entry.finish("denied");
        return { ok: true, outcome: "denied" };
      }
      if (choice === "always" && entry.pending.allowlistEntry !== undefined) {
        entry.answered = true;
        try {
          await options.allowAlways(entry.pending.allowlistEntry);
        } catch (error) {
          // The person said yes: the command runs this time even when the allowlist cannot be written.
          const note = `It runs this once; adding it to tools.exec.allowlist failed: ${(error as Error).message}`;
          options.log("warn", `approval: ${note}`);
          entry.finish("once");
          return { ok: true, outcome: "once", note };
        }
        const past = ended.get(id);
        if (past) return { ok: false, message: `This request closed meanwhile. ${ENDED[past.outcome]}` };
        entry.finish("always");
        return { ok: true, outcome: "always" };
      }
      entry.finish("once");
      return { ok: true, outcome: "once" };
    },

    /** Ends every waiting request as cancelled (the gateway stops: its turns must finish now). */
    cancelAll(): void {
      for (const { finish } of [...waiting.values()]) finish("cancelled");
    },

    /** Requests waiting now (for a client that reconnects), oldest first. */
    pending(filter: (pending: PendingApproval) => boolean = () => true): PendingApproval[] {
      return [...waiting.values()].map((w) => w.pending).filter(filter);
    },
  };
}

export type Approvals = ReturnType<typeof createApprovals>;
