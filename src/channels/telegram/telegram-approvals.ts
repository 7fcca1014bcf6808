// exec's approvals in Telegram: a message with inline buttons (once, always for the owner, deny) in
// the chat of the turn, answerable only by the person whose message started it; the message is then
// edited to show the decision. Button presses arrive as callback_query updates through intake.
import type {
  ApprovalChoice,
  ApprovalDesk,
  ApprovalPresenter,
  Approver,
  PendingApproval,
} from "../../core/agent/approval-desk.ts";
import type { ApprovalOutcome } from "../../core/agent/events.ts";
import type { TurnRequest } from "../../core/turn/run-turn.ts";
import type { Clock } from "../../ports/clock.ts";
import type { TelegramCallback } from "./callback.ts";
import type { InlineButton, TelegramOutbound } from "./outbound.ts";
import { replyTarget } from "./telegram-intake.ts";

/** callback_data: "ap:<approval id>:<o|a|d>" (well under Telegram's 64 bytes). */
const DATA = /^ap:([A-Za-z0-9_-]{1,40}):([oad])$/;
const CHOICE: Record<string, ApprovalChoice> = { o: "once", a: "always", d: "deny" };

/** The line the edited message ends with. */
const DECIDED: Record<ApprovalOutcome, string> = {
  once: "✅ Approved once.",
  always: "✅ Approved, and added to the allowlist: it runs without asking from now on.",
  denied: "🚫 Denied.",
  expired: "⌛ Not answered in time, so it was denied.",
  cancelled: "The turn was stopped; nothing runs.",
};

/** The notice a button press gets (shown briefly at the top of the chat). */
const ANSWERED: Record<ApprovalOutcome, string> = {
  once: "Approved once",
  always: "Approved always",
  denied: "Denied",
  expired: "Timed out",
  cancelled: "Stopped",
};

export interface TelegramApprovalsDeps {
  desk: ApprovalDesk;
  clock: Clock;
  outbound: TelegramOutbound;
  log: (level: "info" | "warn", message: string) => void;
}

export function createTelegramApprovals(deps: TelegramApprovalsDeps) {
  const { desk, clock, outbound, log } = deps;

  const question = (p: PendingApproval) =>
    `Run this command? (${p.tool})\n\n${p.summary}\n\n` +
    `Unanswered in ${Math.round((p.expiresAt - clock.now()) / 1000)} s means no.`;

  return {
    /**
     * `request` with an `approve` that asks the sender of its last message, in that chat. A sender the
     * owner never allowed (a group member nobody approved) gets none: nobody there may approve.
     */
    withApproval(request: TurnRequest): TurnRequest {
      const last = request.messages.at(-1);
      if (!last || request.approve || request.trust?.at(-1)?.level === "untrusted") return request;
      const target = replyTarget(last);
      const owner: Approver = { channel: "telegram", chatId: last.chat.id, senderId: last.sender.id };
      const shown = new Map<string, string>();
      const presenter: ApprovalPresenter = {
        async show(pending) {
          const buttons: InlineButton[] = [
            { text: "Allow once", data: `ap:${pending.id}:o` },
            ...(pending.allowlistEntry !== undefined ? [{ text: "Always", data: `ap:${pending.id}:a` }] : []),
            { text: "Deny", data: `ap:${pending.id}:d` },
          ];
          shown.set(pending.id, await outbound.sendButtons(target, question(pending), buttons));
        },
        async settled(pending, outcome) {
          const messageId = shown.get(pending.id);
          shown.delete(pending.id);
          if (messageId === undefined) return;
          const text = `Run this command? (${pending.tool})\n\n\`\`\`\n${pending.summary}\n\`\`\`\n\n${DECIDED[outcome]}`;
          await outbound
            .edit(target, messageId, text)
            .catch((error: Error) => log("warn", `could not show the approval's outcome: ${error.message}`));
        },
      };
      // "Always" writes tools.exec.allowlist for every chat: only the owner is offered it.
      const mayWiden = request.trust?.at(-1)?.level === "owner";
      return {
        ...request,
        approve: ({ allowlistEntry, ...approval }) =>
          desk.ask(
            {
              ...approval,
              ...(mayWiden && allowlistEntry !== undefined && { allowlistEntry }),
              sessionKey: request.sessionKey,
            },
            owner,
            presenter,
            request.signal,
          ),
      };
    },

    /**
     * A button press. Contract: never rejects, and resolves once the press is decided, without waiting
     * for Telegram; every press is answered, also a stale or forged one.
     */
    async onCallback(callback: TelegramCallback): Promise<void> {
      const match = DATA.exec(callback.data);
      const from: Approver = {
        channel: "telegram",
        chatId: callback.chatId ?? "",
        senderId: callback.senderId,
      };
      const result = match
        ? await desk.answer(match[1]!, CHOICE[match[2]!]!, from)
        : { ok: false as const, message: "This button is no longer in use." };
      const text = result.ok
        ? ANSWERED[result.outcome] + (result.note ? `. ${result.note}` : "")
        : result.message;
      if (!result.ok) log("info", `a button press by ${callback.senderId} was refused: ${text}`);
      // Not awaited: an answer the rate limiter holds back must not hold the webhook's 200 or the
      // next polled update (the press itself is already decided).
      void outbound
        .answerCallback(callback.queryId, text)
        .catch((error: Error) => log("warn", `could not answer a button press: ${error.message}`));
    },
  };
}

export type TelegramApprovals = ReturnType<typeof createTelegramApprovals>;
