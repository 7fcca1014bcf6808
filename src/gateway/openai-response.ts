// The OpenAI wire shapes the gateway answers with: errors, chat.completion, chat.completion.chunk,
// usage. Kept apart from the routes so the streaming and the JSON paths build identical objects.
import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { TokenUsage } from "../core/transcript.ts";
import type { OutboxRecord } from "../ports/outbox.ts";

/** Header naming the job behind a reply, so a client can match logs and retries. */
export const JOB_HEADER = "x-agent-claw-job-id";
/** Header saying whether the turn succeeded ("done") or the reply explains a failure ("failed"). */
export const OUTCOME_HEADER = "x-agent-claw-outcome";

export interface ErrorOptions {
  type?: string;
  param?: string | null;
  code?: string | null;
}

/** An error in OpenAI's shape: `{ error: { message, type, param, code } }`. */
export function openAIError(
  c: Context,
  status: ContentfulStatusCode,
  message: string,
  options: ErrorOptions = {},
): Response {
  return c.json(
    {
      error: {
        message,
        type: options.type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
    status,
  );
}

/** A stable completion id per job: a retried request gets the same id as the first. */
export function completionId(jobId: string): string {
  return `chatcmpl-${createHash("sha256").update(jobId).digest("hex").slice(0, 24)}`;
}

export function usageBody(usage: TokenUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The non-streamed reply for a stored outcome. A failed turn's reply is the apology the user sees. */
export function completionBody(record: OutboxRecord, model: string) {
  return {
    id: completionId(record.key),
    object: "chat.completion",
    created: Math.floor(record.createdAt / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: record.reply, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: usageBody(record.usage),
    system_fingerprint: null,
  };
}

/** Builds the chunks of one streamed completion; every chunk shares id, created and model. */
export function chunkMaker(jobId: string, model: string, createdMs: number, includeUsage: boolean) {
  const base = {
    id: completionId(jobId),
    object: "chat.completion.chunk",
    created: Math.floor(createdMs / 1000),
    model,
    system_fingerprint: null,
    ...(includeUsage && { usage: null }),
  };
  return {
    delta: (delta: { role?: "assistant"; content?: string }, finish: "stop" | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    }),
    /** The usage chunk OpenAI sends last when `stream_options.include_usage` is set. */
    usage: (usage: TokenUsage) => ({ ...base, choices: [], usage: usageBody(usage) }),
  };
}
