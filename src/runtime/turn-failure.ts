// How a failed turn crosses the wire (design §2): the runtime names its kind, and the runner turns the
// frame back into an error of the same class, so failureReply (core/turn/failure-reply.ts) gives the
// chat the same apology whether the turn ran in the Lambda or in AgentCore.
import { ModelCallError, ModelSetupError } from "../core/agent/model-call-error.ts";
import type { ModelErrorKind } from "../core/agent/model-error-kind.ts";

/** model: the provider failed; setup: the model is not set up; aborted: the turn was stopped; internal: the rest. */
export type TurnFailureKind = "model" | "setup" | "aborted" | "internal";

/** The SSE `event: error` frame's data, and the JSON answer's `error` (status 500). */
export interface TurnFailure {
  /** Secrets removed (the runtime's redact). */
  message: string;
  kind: TurnFailureKind;
  /** For kind "model": the provider failure's class, which picks the apology. */
  modelKind?: ModelErrorKind;
}

/** The frame for `error`; `aborted` says whether the turn's signal had fired (a stop, not a fault). */
export function turnFailure(error: unknown, message: string, aborted: boolean): TurnFailure {
  // First: a stopped turn's model call fails too, and that is not the model's fault.
  if (aborted) return { message, kind: "aborted" };
  if (error instanceof ModelCallError) return { message, kind: "model", modelKind: error.kind };
  if (error instanceof ModelSetupError) return { message, kind: "setup" };
  return { message, kind: "internal" };
}

/** Raised by the runner for a turn the runtime stopped (its cap, or the client went away). */
export class RuntimeTurnAborted extends Error {
  override readonly name = "RuntimeTurnAborted";
}

/** Raised by the runner for a turn that failed inside the runtime for no model reason. */
export class RuntimeTurnError extends Error {
  override readonly name = "RuntimeTurnError";
}

/** The error the runner throws for a failure frame: the same class the turn failed with in the runtime. */
export function turnFailureError(failure: TurnFailure): Error {
  switch (failure.kind) {
    case "model":
      return new ModelCallError(new Error(failure.message), failure.modelKind);
    case "setup":
      return new ModelSetupError(failure.message);
    case "aborted":
      return new RuntimeTurnAborted(failure.message);
    case "internal":
      return new RuntimeTurnError(failure.message);
  }
}
