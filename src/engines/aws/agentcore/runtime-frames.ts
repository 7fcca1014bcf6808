// The runtime's answer checked with zod as it arrives: an event frame, the result frame, a failure
// frame (design §2), or the JSON answer. A frame that is none of them fails the turn with a sentence.
import { z } from "zod";
import type { AgentEvent } from "../../../core/agent/events.ts";
import type { ModelErrorKind } from "../../../core/agent/model-error-kind.ts";
import type { TurnResult } from "../../../core/turn/run-turn.ts";
import { RuntimeTurnError, type TurnFailure, turnFailureError } from "../../../runtime/turn-failure.ts";

/** Every kind the runtime may name; a kind this runner does not know is classified from the message. */
const MODEL_KINDS: Record<ModelErrorKind, true> = {
  auth: true,
  billing: true,
  rate_limit: true,
  overloaded: true,
  timeout: true,
  context_overflow: true,
  bad_request: true,
  not_configured: true,
  usage_limit: true,
  unknown: true,
};

const resultSchema = z.object({
  type: z.literal("result"),
  reply: z.string(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
  sessionId: z.string(),
  steps: z.number(),
  stopReason: z.enum(["done", "max_steps", "aborted"]),
});

const failureSchema = z.object({
  message: z.string(),
  kind: z.enum(["model", "setup", "aborted", "internal"]),
  modelKind: z
    .string()
    .optional()
    .transform((kind) => (kind !== undefined && kind in MODEL_KINDS ? (kind as ModelErrorKind) : undefined)),
});

// Events are passed on as they come: a kind this runner does not know is the listeners' to ignore.
const eventSchema = z.looseObject({ type: z.string().min(1) });

export type RuntimeResult = Omit<TurnResult, "sessionKey">;

function json(data: string, what: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new RuntimeTurnError(`the AgentCore runtime sent ${what} that is not JSON: ${data.slice(0, 200)}`);
  }
}

function invalid(what: string, error: z.ZodError, data: string): RuntimeTurnError {
  const problem = error.issues.map((i) => `${i.path.join(".") || "(frame)"}: ${i.message}`).join("; ");
  return new RuntimeTurnError(
    `the AgentCore runtime sent ${what} this runner cannot read (${problem}): ${data.slice(0, 200)}; are the runner and the runtime the same release?`,
  );
}

/** A `data:` frame without an event name: the result, or one of the turn's events. */
export function parseStreamFrame(
  data: string,
): ({ type: "result" } & RuntimeResult) | { type: "event"; event: AgentEvent } {
  const value = json(data, "a frame");
  const result = resultSchema.safeParse(value);
  if (result.success) return result.data;
  if ((value as { type?: unknown })?.type === "result") throw invalid("a result", result.error, data);
  const event = eventSchema.safeParse(value);
  if (!event.success) throw invalid("an event", event.error, data);
  return { type: "event", event: event.data as AgentEvent };
}

/** An `event: error` frame's data. */
export function parseFailure(data: string): TurnFailure {
  const failure = failureSchema.safeParse(json(data, "a failure"));
  if (!failure.success) throw invalid("a failure", failure.error, data);
  const { modelKind, ...rest } = failure.data;
  return { ...rest, ...(modelKind && { modelKind }) };
}

/** The JSON answer: the result object, or `{ error: TurnFailure }` as the error it stands for. */
export function parseJsonAnswer(text: string): RuntimeResult | { failure: Error } {
  const value = json(text, "an answer");
  if (value !== null && typeof value === "object" && "error" in value)
    return { failure: turnFailureError(parseFailure(JSON.stringify(value.error))) };
  const result = resultSchema.safeParse(value);
  if (!result.success) throw invalid("an answer", result.error, text);
  return result.data;
}
