// Marks a failure of the model call itself (as opposed to storage or a tool), classified once so
// every caller explains it the same way; and a model that cannot be called because it is not set up.
import { classifyModelError, type ModelErrorKind } from "./model-error-kind.ts";

export class ModelCallError extends Error {
  override readonly name = "ModelCallError";
  /** What kind of failure this is (see model-error-kind.ts). */
  readonly kind: ModelErrorKind;
  /** `kind` given: a failure classified elsewhere (the AgentCore runtime, over the wire). */
  constructor(cause: unknown, kind: ModelErrorKind = classifyModelError(cause)) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.kind = kind;
  }
}

/** The model cannot be called as configured (no API key, a base URL that is not a URL). */
export class ModelSetupError extends Error {
  override readonly name: string = "ModelSetupError";
  /** Names the variable or key that is missing or wrong. */
  readonly problem: string;
  /** Says what to set it to ("" when the problem says it all). */
  readonly fix: string;
  constructor(problem: string, fix = "") {
    super(fix ? `${problem}. ${fix}` : problem);
    this.problem = problem;
    this.fix = fix;
  }
}
