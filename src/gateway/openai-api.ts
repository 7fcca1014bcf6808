// The OpenAI-compatible HTTP API: POST /v1/chat/completions and GET /v1/models, so any app or SDK
// that speaks OpenAI can talk to the assistant. Every message goes through the durable job runner:
// accepted (queued) before anything is answered, answered once, retried safely with Idempotency-Key.
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { TurnJob } from "../core/intake/turn-job.ts";
import { refuseWhileDraining, requireToken, type RouteModule } from "./app.ts";
import type { GatewayContext } from "./gateway-context.ts";
import {
  agentForModel,
  apiSessionKey,
  chatRequestSchema,
  lastUserInput,
  modelNames,
} from "./openai-request.ts";
import { completionBody, JOB_HEADER, openAIError, OUTCOME_HEADER } from "./openai-response.ts";
import { streamCompletion } from "./openai-stream.ts";
import { idempotencyKey, JSON_ONLY_MESSAGE, readBody, requireJsonBody } from "./request-body.ts";

/** What the model is told about where an API message comes from. */
const API_CHANNEL = {
  channel: "http",
  chatKind: "dm",
  description: "the OpenAI-compatible HTTP API (an app or script; nobody can approve actions)",
  interactive: false,
} as const;

/** 503 for a wait the shutdown cut short. Only a client with an Idempotency-Key should retry. */
function shuttingDown(c: Context, hasKey: boolean): Response {
  c.header("retry-after", "5");
  // Without a key a retry would be a second message, so the openai SDKs are told not to retry.
  c.header("x-should-retry", hasKey ? "true" : "false");
  return openAIError(
    c,
    503,
    hasKey
      ? "The gateway is restarting before your message was answered. It stays queued and is answered after the restart: retry with the same Idempotency-Key to get the reply."
      : "The gateway is restarting before your message was answered. It stays queued and is answered after the restart; send requests with an Idempotency-Key header to be able to fetch such a reply by retrying.",
    { code: "shutting_down" },
  );
}

async function chatCompletions(c: Context, ctx: GatewayContext): Promise<Response> {
  const body = await readBody(c, chatRequestSchema);
  if (!body.ok) return openAIError(c, 400, body.problem.message, { param: body.problem.param });
  const request = body.value;
  const agentId = agentForModel(request.model);
  if (!agentId) {
    return openAIError(
      c,
      404,
      `The model "${request.model}" does not exist on this gateway. Use one of: ${modelNames().join(", ")}.`,
      { param: "model", code: "model_not_found" },
    );
  }
  const input = lastUserInput(request);
  if ("message" in input) return openAIError(c, 400, input.message, { param: input.param });
  const session = apiSessionKey(agentId, c.req.header("x-agent-claw-session"), request.user);
  if ("message" in session) return openAIError(c, 400, session.message, { param: session.param });
  const idempotency = idempotencyKey(c);
  if (idempotency.problem) {
    return openAIError(c, 400, idempotency.problem.message, { param: idempotency.problem.param });
  }
  if (!ctx.config().model) {
    return openAIError(
      c,
      503,
      "The assistant has no model configured. Set AGENT_CLAW_MODEL (or `model` in config.json) on the gateway.",
      { code: "model_not_configured" },
    );
  }

  const id = `http:${idempotency.key ?? randomUUID()}`;
  const job: TurnJob = {
    id,
    sessionKey: session.key,
    message: {
      id,
      channel: "http",
      account: "default",
      chat: { id: session.key, kind: "dm" },
      sender: { id: request.user ?? "api", ...(input.name && { name: input.name }) },
      text: input.text,
      at: ctx.assistant.ports.clock.now(),
    },
    channel: API_CHANNEL,
  };
  c.header(JOB_HEADER, id);
  const hasKey = idempotency.key !== undefined;
  if (request.stream) {
    return streamCompletion(c, ctx, job, {
      model: request.model,
      includeUsage: request.stream_options?.include_usage === true,
      onShutdown: () => shuttingDown(c, hasKey),
    });
  }
  // A stored outcome answers at once; otherwise the job is queued (a repeated id is not queued
  // twice) and we wait for its one outcome.
  if (!(await ctx.assistant.ports.outbox.get(id))) await ctx.runner.submit(job);
  try {
    const record = await ctx.runner.outcome(id, AbortSignal.any([c.req.raw.signal, ctx.shutdown]));
    c.header(OUTCOME_HEADER, record.status);
    return c.json(completionBody(record, request.model));
  } catch {
    // The client left (nobody reads this) or the gateway is shutting down.
    return ctx.shutdown.aborted ? shuttingDown(c, hasKey) : new Response(null, { status: 499 });
  }
}

/** Registers the API routes; all need the gateway token. */
export const openAIApi: RouteModule = (app, ctx) => {
  const auth = requireToken(ctx);
  const created = Math.floor(ctx.startedAt / 1000);
  const entry = (id: string) => ({ id, object: "model", created, owned_by: "agent-claw" });

  app.get("/v1/models", auth, (c) => c.json({ object: "list", data: modelNames().map(entry) }));
  app.get("/v1/models/:model{.+}", auth, (c) => {
    const model = c.req.param("model");
    if (modelNames().includes(model)) return c.json(entry(model));
    return openAIError(
      c,
      404,
      `The model "${model}" does not exist on this gateway. Use one of: ${modelNames().join(", ")}.`,
      { param: "model", code: "model_not_found" },
    );
  });
  app.post(
    "/v1/chat/completions",
    auth,
    refuseWhileDraining(ctx),
    requireJsonBody((c) => openAIError(c, 415, JSON_ONLY_MESSAGE, { code: "unsupported_media_type" })),
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => openAIError(c, 413, "The request body is over 1 MiB.", { code: "request_too_large" }),
    }),
    (c) => chatCompletions(c, ctx),
  );
};
