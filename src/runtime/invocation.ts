// What POST /invocations needs besides its body: AgentCore's session header and an Accept the server
// can answer, each refused with a sentence saying what to send instead; and the turn runner it calls.
import type { AgentEventListener } from "../core/agent/events.ts";
import type { TurnJob } from "../core/intake/turn-job.ts";
import type { TokenUsage } from "../core/transcript.ts";

export const SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";

/** What one invocation answers with: the reply and what it cost. */
export interface InvocationResult {
  reply: string;
  usage: TokenUsage;
}

/** Runs a job's turn; loaded on the first invocation, so /ping answers before any of it loads. */
export interface RuntimeTurn {
  run(job: TurnJob, onEvent: AgentEventListener, signal: AbortSignal): Promise<InvocationResult>;
  /** The sentence a failed turn is reported with, secrets removed. */
  describe(error: unknown): string;
}

/** The session id AgentCore sends (33-256 characters), or the sentence refusing it. */
export function readSessionId(value: string | undefined): { id: string } | { problem: string } {
  if (value === undefined || value === "") {
    return {
      problem: `The ${SESSION_HEADER} header is missing: send the runtime session id (33-256 characters).`,
    };
  }
  if (value.length < 33 || value.length > 256 || !/^[\x21-\x7e]+$/.test(value)) {
    return {
      problem: `The ${SESSION_HEADER} header must be 33 to 256 visible ASCII characters (no spaces); got ${value.length}.`,
    };
  }
  return { id: value };
}

/** SSE when the client lists text/event-stream, JSON when it takes JSON or anything; null: 406. */
export function negotiate(accept: string | undefined): "sse" | "json" | null {
  if (accept === undefined || accept.trim() === "") return "json";
  const types = accept.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  if (types.includes("text/event-stream")) return "sse";
  if (types.some((type) => ["application/json", "application/*", "*/*"].includes(type))) return "json";
  return null;
}

export const NOT_ACCEPTABLE_MESSAGE =
  "This server answers with application/json or text/event-stream: send `Accept: application/json` (the final reply) or `Accept: text/event-stream` (the turn's events).";
