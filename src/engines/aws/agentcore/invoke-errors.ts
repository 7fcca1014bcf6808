// What an InvokeAgentRuntime failure means for the turn: a session that could not start (tried again on
// the same session id), or a refusal that no retry fixes (said with what to check).
import type { InvokeRuntimeOptions } from "./invoke-runtime.ts";

/**
 * The errors AgentCore answers for a session that did not come up or could not be placed now
 * (@aws-sdk/client-bedrock-agentcore's models): RuntimeClientError (424: the container failed to start
 * or answered an error), ServiceQuotaExceededException and ThrottlingException (too many sessions or
 * calls for the moment), InternalServerException / ServiceException (5xx), RetryableConflictException.
 */
const COLD_START_FAILURES = new Set([
  "RuntimeClientError",
  "ServiceQuotaExceededException",
  "ThrottlingException",
  "InternalServerException",
  "ServiceException",
  "RetryableConflictException",
]);

/** Network failures before any answer: nothing reached the runtime, so trying again is safe. */
const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN)$/;

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** True for a failure that a short wait and a second try on the same session may get past. */
export function isColdStartFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as SdkErrorLike;
  if (typeof e.name === "string" && COLD_START_FAILURES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 500) return true;
  return typeof e.code === "string" && NETWORK_CODES.test(e.code);
}

/** The log's sentence for a call that failed for good: what AgentCore said, and what to check. */
export function refusalMessage(
  error: unknown,
  where: Pick<InvokeRuntimeOptions, "runtimeArn" | "qualifier">,
  attempts: number,
): string {
  const name = (error as Error)?.name ?? "Error";
  const said = `${name}: ${(error as Error)?.message ?? String(error)}`;
  switch (name) {
    case "AccessDeniedException":
      return `AgentCore refused the runner (${said}): its role needs bedrock-agentcore:InvokeAgentRuntime on ${where.runtimeArn} (the deploy grants it)`;
    case "ResourceNotFoundException":
      return `AgentCore has no runtime ${where.runtimeArn} with endpoint ${where.qualifier} (${said}): check AGENT_CLAW_AGENTCORE_RUNTIME_ARN and AGENT_CLAW_AGENTCORE_QUALIFIER`;
    case "ValidationException":
      return `AgentCore refused the turn's request (${said})`;
    default:
      return attempts > 1
        ? `the AgentCore session did not start after ${attempts} tries (${said}); the turn is tried again later`
        : `AgentCore could not run the turn (${said})`;
  }
}
