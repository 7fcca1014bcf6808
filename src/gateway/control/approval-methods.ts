// approval.resolve and approval.list: the web chat answers exec's approval requests (once, always,
// deny). Any connection that completed `connect` speaks for the owner; "always" needs the token.
import { z } from "zod";
import { WEB_APPROVER } from "../approval/web-approval.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";

const resolveParams = z
  .object({
    id: z.string({ error: "expected the id of an approval event" }).min(1, "must not be empty").max(100),
    decision: z.enum(["once", "always", "deny"], { error: 'expected "once", "always" or "deny"' }),
  })
  .strict();

export const approvalMethods: MethodTable = {
  "approval.resolve": method(
    resolveParams,
    async ({ id, decision }, { gateway, relay, client, afterResponse }) => {
      const [pending] = gateway.approvals.pending((p) => p.id === id && p.owner.channel === "web");
      // "Always" writes tools.exec.allowlist, a key that changes only with the token (config-methods.ts).
      if (pending && decision === "always" && !client.viaToken) {
        throw new ControlError(
          "unauthorized",
          "approval.resolve: Always adds the command to tools.exec.allowlist, which needs the gateway token: this client was let in by gateway.trustLoopback alone. Answer once or deny, or connect with the token.",
        );
      }
      const result = await gateway.approvals.answer(id, decision, WEB_APPROVER);
      if (!result.ok) throw new ControlError("invalid_params", `approval.resolve: ${result.message}`);
      // Whoever answers sees the rest of the turn, also from a page reloaded while it waited.
      if (pending?.jobId)
        afterResponse(relay.follow({ id: pending.jobId, sessionKey: pending.sessionKey }, client).release);
      return { outcome: result.outcome, ...(result.note && { note: result.note }) };
    },
  ),

  "approval.list": method(z.object({}).strict(), (_params, { gateway }) => ({
    approvals: gateway.approvals
      .pending((p) => p.owner.channel === "web")
      .map(({ id, tool, summary, sessionKey, expiresAt, allowlistEntry }) => ({
        id,
        tool,
        summary,
        sessionKey,
        expiresAt,
        always: allowlistEntry !== undefined,
      })),
  })),
};
