// A fake OpenAI Chat Completions API (`POST /v1/chat/completions`, JSON and SSE, `GET /v1/models`)
// on 127.0.0.1, scripted per test. Serves both `createOpenAI({ baseURL }).chat(id)` and
// `createOpenAICompatible({ baseURL, name })` (the Ollama / vLLM route).
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
  type FakeUsage,
  type ResolvedMessage,
  type ScriptedError,
  splitJson,
} from "./model-script.ts";

export type { FakeModelServer } from "./fake-model-server.ts";
export { createGate, type ScriptStep } from "./model-script.ts";

/** Options of the OpenAI fake: the shared fake-model options. */
export type OpenAIChatFakeOptions = FakeModelOptions;

/** Starts a fake OpenAI Chat Completions server; its `url` ends in `/v1`. */
export function startOpenAIChatFake(options: OpenAIChatFakeOptions = {}): Promise<FakeModelServer> {
  return startFakeModelServer(openaiChatDialect, options, ["gpt-fake"]);
}

const openaiChatDialect: ModelDialect = {
  completionPath: "/v1/chat/completions",
  toolCallIdPrefix: "call_fake_",
  unauthorizedMessage:
    "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",

  authorized: (headers, apiKey) => headers["authorization"] === `Bearer ${apiKey}`,

  errorBody: (error) => ({
    error: {
      message: error.message,
      type: error.type ?? errorType(error),
      param: null,
      code: errorCode(error),
    },
  }),

  invalid(body) {
    if (typeof body["model"] !== "string") return "you must provide a model parameter";
    const messages = body["messages"];
    if (!Array.isArray(messages) || messages.length === 0) return "[] is too short - 'messages'";
    return undefined;
  },

  describe(body) {
    const wire = Array.isArray(body["messages"]) ? body["messages"].filter(isRecord) : [];
    const system = wire.filter((m) => m["role"] === "system" || m["role"] === "developer");
    const messages = wire.flatMap(toFakeMessage);
    const tools = Array.isArray(body["tools"]) ? body["tools"].filter(isRecord) : [];
    return {
      model: typeof body["model"] === "string" ? body["model"] : undefined,
      stream: body["stream"] === true,
      system: system.length > 0 ? system.map((m) => textOf(m["content"])).join("\n") : undefined,
      messages,
      lastUserText: messages.findLast((m) => m.role === "user")?.text,
      toolNames: tools.map((t) => (isRecord(t["function"]) ? String(t["function"]["name"]) : "")),
    };
  },

  json(reply, request) {
    const text = reply.deltas.join("");
    return {
      id: `chatcmpl-fake-${request.index + 1}`,
      object: "chat.completion",
      created: nowSeconds(),
      model: request.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: text === "" && reply.toolCalls.length > 0 ? null : text,
            refusal: null,
            ...(reply.toolCalls.length > 0 && {
              tool_calls: reply.toolCalls.map((call) => ({
                id: call.id,
                type: "function",
                function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
              })),
            }),
          },
          logprobs: null,
          finish_reason: finishReason(reply),
        },
      ],
      usage: usageBody(reply.usage),
      system_fingerprint: "fp_fake",
    };
  },

  async stream(reply, request, sink) {
    const options = request.body["stream_options"];
    const includeUsage = isRecord(options) && options["include_usage"] === true;
    const base = {
      id: `chatcmpl-fake-${request.index + 1}`,
      object: "chat.completion.chunk",
      created: nowSeconds(),
      model: request.model,
      system_fingerprint: "fp_fake",
      ...(includeUsage && { usage: null }),
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });

    let roleSent = false;
    if (reply.deltas.length > 0 || reply.toolCalls.length === 0) {
      sink.send(chunk({ role: "assistant", content: "", refusal: null }));
      roleSent = true;
    }
    for (const delta of reply.deltas) {
      if (!(await sink.checkpoint("text", delta))) return;
      sink.send(chunk({ content: delta }));
    }
    for (const [index, call] of reply.toolCalls.entries()) {
      const start = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
      sink.send(
        chunk(roleSent ? { tool_calls: [start] } : { role: "assistant", content: null, tool_calls: [start] }),
      );
      roleSent = true;
      for (const piece of splitJson(JSON.stringify(call.input ?? {}))) {
        if (!(await sink.checkpoint("tool-input", piece))) return;
        sink.send(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    }
    if (!(await sink.checkpoint("finish", ""))) return;
    sink.send(chunk({}, finishReason(reply)));
    if (includeUsage) sink.send({ ...base, choices: [], usage: usageBody(reply.usage) });
    sink.sendRaw("[DONE]");
  },

  modelsBody: (models) => ({
    object: "list",
    data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })),
  }),
};

function toFakeMessage(message: Record<string, unknown>): FakeMessage[] {
  const role = message["role"];
  if (role === "user")
    return [{ role: "user", text: textOf(message["content"]), toolCalls: [], toolResults: [] }];
  if (role === "tool") {
    const output = textOf(message["content"]);
    const id = String(message["tool_call_id"]);
    return [{ role: "tool", text: "", toolCalls: [], toolResults: [{ id, output, isError: false }] }];
  }
  if (role !== "assistant") return [];
  const calls = Array.isArray(message["tool_calls"]) ? message["tool_calls"].filter(isRecord) : [];
  const toolCalls = calls.map((call) => {
    const fn = isRecord(call["function"]) ? call["function"] : {};
    return { id: String(call["id"]), name: String(fn["name"]), input: parseArguments(fn["arguments"]) };
  });
  return [{ role: "assistant", text: textOf(message["content"]), toolCalls, toolResults: [] }];
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function finishReason(reply: ResolvedMessage): string {
  if (reply.truncated) return "length";
  return reply.toolCalls.length > 0 ? "tool_calls" : "stop";
}

function usageBody(usage: FakeUsage) {
  // OpenAI counts cached tokens inside prompt_tokens.
  const cached = usage.cacheReadTokens ?? 0;
  return {
    prompt_tokens: usage.inputTokens + cached,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + cached + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function errorType(error: ScriptedError): string {
  if (error.status === 429) return "requests";
  if (error.status >= 500) return "server_error";
  return "invalid_request_error";
}

function errorCode(error: ScriptedError): string | null {
  if (error.code !== undefined) return error.code;
  if (error.status === 401) return "invalid_api_key";
  if (error.status === 429) return "rate_limit_exceeded";
  return null;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
