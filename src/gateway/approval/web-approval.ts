// Approvals for web chat turns: the request travels as the turn's own events (to the clients that
// follow it, as `chat` events with state "approval"), and any authenticated client may answer it.
import type { TurnRequest } from "../../core/turn/run-turn.ts";
import type { ApprovalPresenter, Approvals } from "./approvals.ts";

/** The web chat's owner: whoever holds the gateway token on a control connection. */
export const WEB_APPROVER = { channel: "web" } as const;

/** `request` with an `approve` that asks the web chat; other channels' requests are returned as they are. */
export function withWebApproval(request: TurnRequest, approvals: Approvals): TurnRequest {
  if (request.channel.channel !== "web" || request.approve) return request;
  const emit = request.onEvent ?? (() => {});
  const presenter: ApprovalPresenter = {
    show: async (pending) =>
      emit({
        type: "approval",
        id: pending.id,
        tool: pending.tool,
        summary: pending.summary,
        expiresAt: pending.expiresAt,
        always: pending.allowlistEntry !== undefined,
      }),
    settled: async (pending, outcome) => emit({ type: "approval_result", id: pending.id, outcome }),
  };
  return {
    ...request,
    approve: (approval) =>
      approvals.ask(
        { ...approval, sessionKey: request.sessionKey, jobId: request.turnIds?.[0] },
        WEB_APPROVER,
        presenter,
        request.signal,
      ),
  };
}
