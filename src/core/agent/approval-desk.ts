// The approval desk a channel asks through: exec's "may I run this?" shown to the turn's owner where
// they are, answered once. Types only, so channels (src/channels) and the gateway's desk share them.
import type { ApprovalRequest } from "../../tools/tool.ts";
import type { ApprovalOutcome } from "./events.ts";

/** What a person may answer. */
export type ApprovalChoice = "once" | "always" | "deny";

/** One sender in one chat of a chat channel ("telegram"): only they may answer what their turn asks. */
export interface ChatApprover {
  channel: string;
  chatId: string;
  senderId: string;
}

/** Who may answer: any authenticated web client, or one sender in one chat. */
export type Approver = { channel: "web" } | ChatApprover;

/** A request waiting for its answer. */
export interface PendingApproval {
  /** Unguessable: it travels in a chat button's data (Telegram's callback data) and the control protocol. */
  id: string;
  tool: string;
  summary: string;
  /** What "always" adds to the allowlist; absent when "always" is not offered. */
  allowlistEntry?: string;
  sessionKey: string;
  /** The job whose turn asks (web chat turns), so a client that answers can follow the rest of it. */
  jobId?: string;
  owner: Approver;
  expiresAt: number;
}

/** Where a request is shown. */
export interface ApprovalPresenter {
  /** Shows the request with its choices. Contract: rejects when it cannot be shown (denied at once). */
  show(pending: PendingApproval): Promise<void>;
  /** Shows how it ended. Contract: never rejects. */
  settled(pending: PendingApproval, outcome: ApprovalOutcome): Promise<void>;
}

/** The answer to an answer: accepted with the outcome, or refused with what to tell the person. */
export type AnswerResult =
  { ok: true; outcome: ApprovalOutcome; note?: string } | { ok: false; message: string };

/** Asks and answers approvals (the gateway's createApprovals). */
export interface ApprovalDesk {
  /** Contract: resolves true only for an approval by `owner`; never rejects. */
  ask(
    request: ApprovalRequest & { sessionKey: string; jobId?: string | undefined },
    owner: Approver,
    presenter: ApprovalPresenter,
    signal?: AbortSignal,
  ): Promise<boolean>;
  answer(id: string, choice: ApprovalChoice, from: Approver): Promise<AnswerResult>;
}
