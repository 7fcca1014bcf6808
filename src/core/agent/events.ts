// One typed event union for everything a turn emits: delivery, transcripts and UIs all read it.
import type { TokenUsage } from "../transcript.ts";

export type AgentEvent =
  | { type: "step_start"; step: number }
  | { type: "text_delta"; text: string }
  | { type: "tool_call"; id: string; name: string; input: unknown }
  | { type: "tool_result"; id: string; name: string; text: string; isError: boolean }
  | { type: "step_end"; step: number; usage: TokenUsage; finishReason: string };

/** Contract: must not throw; a listener that fails must not break the turn. */
export type AgentEventListener = (event: AgentEvent) => void;
