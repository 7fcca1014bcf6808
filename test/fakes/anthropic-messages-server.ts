// A fake Anthropic Messages API (`POST /v1/messages`, JSON and SSE, `GET /v1/models`) on
// 127.0.0.1, scripted per test. Its `url` is a `createAnthropic({ baseURL })` value.
import {
  type FakeModelServer,
  isRecord,
  type ModelDialect,
  startFakeModelServer,
  textOf,
} from "./fake-model-server.ts";
import {
  type FakeMessage,
  type FakeModelOptions,
  type FakeToolCall,
  type FakeToolResult,
  type FakeUsage,
  type ResolvedMessage,
  splitJson,
} from "./model-script.ts";

export type { FakeModelServer } from "./fake-model-server.ts";
export { createGate, type ScriptStep } from "./model-script.ts";

/** Options of the Anthropic fake: the shared fake-model options. */
export type AnthropicFakeOptions = FakeModelOptions;

/** Starts a fake Anthropic Messages server; its `url` ends in `/v1`. */
export function startAnthropicFake(options: AnthropicFakeOptions = {}): Promise<FakeModelServer> {
  return startFakeModelServer(anthropicDialect, options, ["claude-haiku-4-5"]);
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const anthropicDialect: ModelDialect = {
  completionPath: "/v1/messages",
  toolCallIdPrefix: "toolu_fake_",
  unauthorizedMessage: "invalid x-api-key",

  authorized: (headers, apiKey) =>
    headers["x-api-key"] === apiKey || headers["authorization"] === `Bearer ${apiKey}`,

  errorBody: (error) => ({
    type: "error",
    error: {
      type:
        error.type ??
        ERROR_TYPES[error.status] ??
        (error.status >= 500 ? "api_error" : "invalid_request_error"),
      message: error.message,
    },
    request_id: "req_fake",
  }),

  invalid(body, headers) {
    if (headers["anthropic-version"] === undefined) return "anthropic-version: header is required";
    if (typeof body["model"] !== "string") return "model: Field required";
    if (typeof body["max_tokens"] !== "number") return "max_tokens: Field required";
    const messages = body["messages"];
    if (!Array.isArray(messages) || messages.length === 0)
      return "messages: at least one message is required";
    return undefined;
  },

  describe(body) {
    const messages = (Array.isArray(body["messages"]) ? body["messages"] : [])
      .filter(isRecord)
      .map(toFakeMessage);
    const tools = Array.isArray(body["tools"]) ? body["tools"].filter(isRecord) : [];
    return {
      model: typeof body["model"] === "string" ? body["model"] : undefined,
      stream: body["stream"] === true,
      system: systemText(body["system"]),
      messages,
      lastUserText: messages.findLast((m) => m.role === "user")?.text,
      toolNames: tools.map((t) => String(t["name"])),
    };
  },

  json(reply, request) {
    const text = reply.deltas.join("");
    const content: unknown[] = [];
    if (text !== "" || reply.toolCalls.length === 0) content.push({ type: "text", text });
    for (const call of reply.toolCalls) {
      content.push({ type: "tool_use", id: call.id, name: call.name, input: call.input ?? {} });
    }
    return {
      id: `msg_fake_${request.index + 1}`,
      type: "message",
      role: "assistant",
      model: request.model,
      content,
      stop_reason: stopReason(reply),
      stop_sequence: null,
      usage: { ...usageBody(reply.usage), output_tokens: reply.usage.outputTokens, service_tier: "standard" },
    };
  },

  async stream(reply, request, sink) {
    const send = (data: Record<string, unknown> & { type: string }) => sink.send(data, data.type);
    send({
      type: "message_start",
      message: {
        id: `msg_fake_${request.index + 1}`,
        type: "message",
        role: "assistant",
        model: request.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usageBody(reply.usage), output_tokens: 1, service_tier: "standard" },
      },
    });
    let index = 0;
    if (reply.deltas.length > 0 || reply.toolCalls.length === 0) {
      send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      send({ type: "ping" });
      for (const text of reply.deltas) {
        if (!(await sink.checkpoint("text", text))) return;
        send({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
      }
      send({ type: "content_block_stop", index });
      index++;
    }
    for (const call of reply.toolCalls) {
      const block = { type: "tool_use", id: call.id, name: call.name, input: {} };
      send({ type: "content_block_start", index, content_block: block });
      send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } });
      for (const piece of splitJson(JSON.stringify(call.input ?? {}))) {
        if (!(await sink.checkpoint("tool-input", piece))) return;
        send({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        });
      }
      send({ type: "content_block_stop", index });
      index++;
    }
    if (!(await sink.checkpoint("finish", ""))) return;
    send({
      type: "message_delta",
      delta: { stop_reason: stopReason(reply), stop_sequence: null },
      usage: { ...usageBody(reply.usage), output_tokens: reply.usage.outputTokens },
    });
    send({ type: "message_stop" });
  },

  modelsBody: (models) => ({
    data: models.map((id) => ({
      type: "model",
      id,
      display_name: id,
      created_at: "2025-01-01T00:00:00Z",
    })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models.at(-1) ?? null,
  }),
};

function systemText(system: unknown): string | undefined {
  if (typeof system === "string") return system;
  if (!Array.isArray(system) || system.length === 0) return undefined;
  return system
    .filter(isRecord)
    .map((block) => textOf([block]))
    .join("\n");
}

function toFakeMessage(message: Record<string, unknown>): FakeMessage {
  const content = message["content"];
  const blocks =
    typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
  let text = "";
  const toolCalls: FakeToolCall[] = [];
  const toolResults: FakeToolResult[] = [];
  for (const block of blocks.filter(isRecord)) {
    if (block["type"] === "text") text += String(block["text"]);
    if (block["type"] === "tool_use") {
      toolCalls.push({ id: String(block["id"]), name: String(block["name"]), input: block["input"] });
    }
    if (block["type"] === "tool_result") {
      const output = textOf(block["content"]);
      toolResults.push({ id: String(block["tool_use_id"]), output, isError: block["is_error"] === true });
    }
  }
  const onlyResults = toolResults.length > 0 && toolResults.length === blocks.length;
  const role = message["role"] === "assistant" ? "assistant" : onlyResults ? "tool" : "user";
  return { role, text, toolCalls, toolResults };
}

function stopReason(reply: ResolvedMessage): string {
  if (reply.truncated) return "max_tokens";
  return reply.toolCalls.length > 0 ? "tool_use" : "end_turn";
}

function usageBody(usage: FakeUsage) {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadTokens ?? 0,
  };
}
