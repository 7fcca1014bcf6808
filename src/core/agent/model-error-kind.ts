// The one classifier of model call failures: what kind of problem it is (the key, the quota, the
// provider's load, the network, the prompt's size), read off the status and the provider's words.
// Replies, the CLI's explanations and (later) model failover all decide on this kind.
import { LoadAPIKeyError } from "@ai-sdk/provider";
import { isUsageLimitError } from "../usage/usage-limit-error.ts";

export type ModelErrorKind =
  | "auth"
  | "billing"
  | "rate_limit"
  | "overloaded"
  | "timeout"
  | "context_overflow"
  | "bad_request"
  | "not_configured"
  /** The owner's daily limit (limits.dailyUsd / dailyTokens) is reached; no call was made. */
  | "usage_limit"
  | "unknown";

/** What a failure says about itself, gathered from the error and its causes. */
export interface ModelErrorFacts {
  status?: number;
  /** The request's address (the AI SDK's APICallError.url); never the request body. */
  url?: string;
  /** A Node network code (ECONNREFUSED...) or the error's name (TimeoutError...). */
  code?: string;
  /** The messages and the provider's response body, joined: for matching and for the log. */
  text: string;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
  url?: unknown;
  responseBody?: unknown;
  type?: unknown;
  error?: unknown;
  cause?: unknown;
}

const NETWORK_CODES =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+)$/;

/** Walks the error, its `cause` chain and a stream error's `error` field (at most 6 deep). */
export function modelErrorFacts(error: unknown): ModelErrorFacts {
  const facts: ModelErrorFacts = { text: "" };
  const texts: string[] = [];
  let node: unknown = error;
  for (let depth = 0; depth < 6 && node !== undefined && node !== null; depth++) {
    if (typeof node !== "object") {
      texts.push(String(node));
      break;
    }
    const e = node as ErrorLike;
    const status = typeof e.statusCode === "number" ? e.statusCode : e.status;
    if (facts.status === undefined && typeof status === "number") facts.status = status;
    if (facts.url === undefined && typeof e.url === "string") facts.url = e.url;
    if (facts.code === undefined && typeof e.code === "string" && NETWORK_CODES.test(e.code))
      facts.code = e.code;
    if (facts.code === undefined && (e.name === "TimeoutError" || e.name === "AbortError"))
      facts.code = e.name;
    for (const part of [e.type, e.message, e.responseBody]) {
      if (typeof part === "string" && part && !texts.includes(part)) texts.push(part);
    }
    node = e.cause ?? e.error;
  }
  facts.text = texts.join(" | ");
  return facts;
}

const CONTEXT =
  /context[_ ]length|context window|maximum context|prompt is too long|input is too long|too many (input )?tokens|reduce the length|exceeds? the (model'?s? )?(maximum|context)/i;
const BILLING = /insufficient_quota|quota|billing|credit balance|payment required|exceeded your current/i;
const AUTH = /invalid[_ ]api[_ ]key|incorrect api key|authentication_error|permission_error|unauthori[sz]ed/i;
const RATE = /rate[_ ]limit|too many requests/i;
const OVERLOADED = /overloaded|service unavailable/i;
const NETWORK = /fetch failed|timed? ?out|socket hang up|network error/i;

/** The kind of a model call failure; `unknown` when nothing in it says more. */
export function classifyModelError(error: unknown): ModelErrorKind {
  if (isUsageLimitError(error)) return "usage_limit";
  const { status, code, text } = modelErrorFacts(error);
  if (LoadAPIKeyError.isInstance(error)) return "not_configured";
  if (CONTEXT.test(text) && (status === undefined || status === 400 || status === 413)) {
    return "context_overflow";
  }
  if (status === 402 || BILLING.test(text)) return "billing";
  if (status === 401 || status === 403 || (status === undefined && AUTH.test(text))) return "auth";
  if (status === 429 || (status === undefined && RATE.test(text))) return "rate_limit";
  if (status === 408 || status === 504 || (status === undefined && (code || NETWORK.test(text)))) {
    return "timeout";
  }
  if ((status !== undefined && status >= 500) || (status === undefined && OVERLOADED.test(text))) {
    return "overloaded";
  }
  if (status !== undefined && status >= 400) return "bad_request";
  return "unknown";
}
