// One typed event union for everything a turn emits: delivery, transcripts and UIs all read it.
import type { TokenUsage } from "../transcript.ts";

export type AgentEvent =
  | { type: "step_start"; step: number }
  | { type: "text_delta"; text: string }
  | { type: "tool_call"; id: string; name: string; input: unknown }
  | { type: "tool_result"; id: string; name: string; text: string; isError: boolean }
  | { type: "step_end"; step: number; usage: TokenUsage; finishReason: string }
  /** A tool waits for a person's answer (once, always or deny) until `expiresAt`; `always` may be offered. */
  | { type: "approval"; id: string; tool: string; summary: string; expiresAt: number; always: boolean }
  | { type: "approval_result"; id: string; outcome: ApprovalOutcome }
  /**
   * A word for the person waiting, not part of the reply (the runner waking an AgentCore session):
   * a channel may show it until the reply streams in. Consumers that do not show notices ignore them.
   */
  | { type: "notice"; text: string };

/** How an approval request ended: approved (once, or always: added to the allowlist) or not. */
export type ApprovalOutcome = "once" | "always" | "denied" | "expired" | "cancelled";

/** Contract: must not throw; a listener that fails must not break the turn. */
export type AgentEventListener = (event: AgentEvent) => void;
