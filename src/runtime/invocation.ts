// What POST /invocations needs besides its body: AgentCore's session header and an Accept the server
// can answer, each refused with a sentence saying what to send instead; and the turn runner it calls.
import type { AgentEventListener } from "../core/agent/events.ts";
import type { TurnInvocation, TurnResultFrame } from "./turn-body.ts";
import type { TurnFailure } from "./turn-failure.ts";

export const SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";

/** Runs a session's turns; loaded on the first invocation, so /ping answers before any of it loads. */
export interface RuntimeTurn {
  run(invocation: TurnInvocation, onEvent: AgentEventListener, signal: AbortSignal): Promise<TurnResultFrame>;
  /** The frame a failed turn is reported with, secrets removed; `aborted`: the turn's signal had fired. */
  describe(error: unknown, aborted: boolean): TurnFailure;
}

/** Builds the turn runner for the session this process serves (its workspace copy is that session's). */
export type LoadRuntimeTurn = (sessionId: string) => Promise<RuntimeTurn>;

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

/** A microVM serves one session: another id means the caller routed wrongly, and must not see this one's files. */
export const OTHER_SESSION_MESSAGE =
  "This runtime already serves another session (one session per microVM), so the turn did not run: send each session's turns with its own session id.";
