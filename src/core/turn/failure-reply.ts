// What a chat is told when its turn failed, and what the log is told. The chat gets one plain
// sentence per kind of failure; the provider's own words (which may echo a key) go to the log only.
import { ModelCallError, ModelSetupError } from "../agent/model-call-error.ts";
import { type ModelErrorKind, modelErrorFacts } from "../agent/model-error-kind.ts";
import { isUsageLimitError } from "../usage/usage-limit-error.ts";

const SORRY = "Sorry, I could not answer this message:";

const MODEL_REPLIES: Record<ModelErrorKind, string> = {
  auth: `${SORRY} the model provider refused the API key. The owner can run \`agent-claw doctor\` to check it.`,
  billing: `${SORRY} the model provider says the account is out of credit or over its quota. The owner can check the account's billing with the provider.`,
  rate_limit: `${SORRY} the model provider is limiting how many requests it takes. Please try again in a minute.`,
  overloaded: `${SORRY} the model provider is overloaded or having an outage. Please try again in a few minutes.`,
  timeout: `${SORRY} the model provider could not be reached or took too long. Please try again; if it keeps happening, the owner can run \`agent-claw doctor\`.`,
  context_overflow: `${SORRY} this conversation is now too long for the model. Start a new one with /new and ask again.`,
  bad_request: `${SORRY} the model provider rejected the request (the model name or a setting may be wrong). The owner can run \`agent-claw doctor\`.`,
  not_configured: `${SORRY} the assistant's model is not set up yet. The owner can run \`agent-claw doctor\` to see what is missing.`,
  usage_limit: `${SORRY} the assistant's daily usage limit is reached. It resets at midnight; the owner can see the spending with \`agent-claw usage\`.`,
  unknown: `${SORRY} the model call failed. The owner can find the details in the gateway log.`,
};

/** Any other failure (storage, a crash loop): nothing about it is for the chat. */
export const FAILED_REPLY =
  "Sorry, I could not answer this message: something kept failing while I worked on it. Please send it again.";

/** The kind of a failed turn's error, when it was the model's. */
export function failureKind(error: unknown): ModelErrorKind | undefined {
  if (error instanceof ModelCallError) return error.kind;
  if (error instanceof ModelSetupError) return "not_configured";
  return undefined;
}

/** The reply for a turn that failed with `error`: never the error's own text. */
export function failureReply(error: unknown): string {
  const kind = failureKind(error);
  // The limit's own words (the limit, what was used, when it resets) hold nothing secret.
  if (error instanceof ModelCallError && isUsageLimitError(error.cause))
    return `${SORRY} ${error.cause.message}`;
  return kind ? MODEL_REPLIES[kind] : FAILED_REPLY;
}

/**
 * The detail for the log: kind, status, endpoint and the provider's words, masked by `redact` before
 * they are cut short (a key cut in half would no longer match what the log masks).
 */
export function failureDetail(error: unknown, redact: (text: string) => string = (text) => text): string {
  const kind = failureKind(error);
  const message = redact((error as Error)?.message ?? String(error));
  if (!(error instanceof ModelCallError)) return kind ? `${kind}: ${message}` : message;
  const facts = modelErrorFacts(error.cause);
  const status = facts.status === undefined ? "" : ` ${facts.status}`;
  const where = facts.url ? ` from ${originOf(facts.url)}` : "";
  const code = facts.code ? ` (${facts.code})` : "";
  return `model ${kind}${status}${where}${code}: ${(facts.text ? redact(facts.text) : message).slice(0, 500)}`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
