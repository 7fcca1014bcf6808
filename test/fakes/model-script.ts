// The scripting model shared by the fake model servers: what a test tells the fake to answer,
// what the fake records about each request, and the gate that parks a stream until released.

/** Token counts a scripted reply reports; the fakes translate them to each API's usage shape. */
export interface FakeUsage {
  /** Input tokens not read from or written to the prompt cache. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache (Anthropic cache_read_input_tokens, OpenAI cached_tokens). */
  cacheReadTokens?: number;
  /** Input tokens written to the prompt cache (Anthropic cache_creation_input_tokens). */
  cacheWriteTokens?: number;
}

/** Usage reported when neither the reply nor the server options say otherwise. */
export const DEFAULT_USAGE: Readonly<FakeUsage> = { inputTokens: 10, outputTokens: 5 };

/** A tool call the fake model makes. `id` defaults to a per-server counter (`call_fake_1`, `toolu_fake_1`). */
export interface ScriptedToolCall {
  name: string;
  input: unknown;
  id?: string;
}

/**
 * Parks a streamed reply after `after` content deltas (text or tool-input pieces) until the gate is
 * released; if the reply has fewer deltas it parks just before the finish events. A non-streamed
 * reply parks before its JSON body is sent.
 */
export interface Hold {
  after: number;
  gate: Gate;
}

/** A normal model reply: text, tool calls, or both (text first, as the real APIs send it). */
export interface MessageReply {
  /** The text; a string is streamed word by word, an array gives the exact stream deltas. */
  text?: string | string[];
  toolCalls?: ScriptedToolCall[];
  /** Overrides the server's default usage for this reply. */
  usage?: Partial<FakeUsage>;
  /** Ends as if the output-token limit was hit (`length` / `max_tokens`). */
  truncated?: boolean;
  hold?: Hold;
}

/** An HTTP error the fake answers with, in the provider's own error shape. */
export interface ScriptedError {
  /** 400, 401, 429, 500... (529 is Anthropic's "overloaded"). */
  status: number;
  message: string;
  /** Seconds, sent as the `Retry-After` header. */
  retryAfter?: number;
  /** Overrides the provider error type (OpenAI `error.type`, Anthropic `error.type`). */
  type?: string;
  /** OpenAI `error.code`; defaults by status (e.g. `rate_limit_exceeded`). */
  code?: string | null;
}

/** A reply that is an HTTP error instead of a message. */
export interface ErrorReply {
  error: ScriptedError;
}

/** What a scripted turn resolves to. */
export type ScriptedReply = MessageReply | ErrorReply;

/** One entry of a script: a fixed reply, or a function computing it from the request. */
export type ScriptStep =
  ScriptedReply | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

/** A tool call found in a request's history (an earlier assistant turn). */
export interface FakeToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** A tool result found in a request's history. OpenAI has no error flag, so `isError` is false there. */
export interface FakeToolResult {
  id: string;
  output: string;
  isError: boolean;
}

/**
 * One message of a request, normalised across providers. Anthropic user turns made only of
 * tool_result blocks get role "tool", as OpenAI's tool messages do.
 */
export interface FakeMessage {
  role: "user" | "assistant" | "tool";
  /** All text parts joined with no separator. */
  text: string;
  toolCalls: FakeToolCall[];
  toolResults: FakeToolResult[];
}

/** Everything a fake saw of one model request. */
export interface RecordedRequest {
  /** 0-based position among the completion requests this server answered. */
  index: number;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The parsed JSON body, exactly as sent (provider wire format). */
  body: Record<string, unknown>;
  model: string | undefined;
  stream: boolean;
  /** The system prompt (system/developer messages or Anthropic `system`), joined with "\n". */
  system: string | undefined;
  messages: FakeMessage[];
  /** Text of the last user message, handy for echo replies. */
  lastUserText: string | undefined;
  /** Names of the tools offered to the model, in request order. */
  toolNames: string[];
  /** Set when the client went away before the response was complete. */
  aborted: boolean;
}

/** What a streamed delta is, as passed to the `onChunk` hook. */
export type ChunkKind = "text" | "tool-input" | "finish";

/** Passed to the `onChunk` hook before each content delta and before the finish events. */
export interface ChunkEvent {
  request: RecordedRequest;
  /** 0-based count of content deltas already written for this response. */
  index: number;
  kind: ChunkKind;
  delta: string;
}

/** Options both fake servers accept. */
export interface FakeModelOptions {
  /** Initial script; `server.script()` replaces it later. */
  script?: ScriptStep[];
  /** Expected API key; when set, any other key gets a 401. Unset accepts anything. */
  apiKey?: string;
  /** What to answer once the script is used up: a text reply (default) or a 500 error. */
  onExhausted?: "text" | "error";
  defaultUsage?: Partial<FakeUsage>;
  /**
   * Contract: awaited before each streamed content delta and before the finish events, so a
   * test can step a stream deterministically. May be async; must not throw.
   */
  onChunk?: (event: ChunkEvent) => void | Promise<void>;
  /**
   * Artificial latency for benchmarks that want a model-like pace (uses timers; tests should use
   * `hold`/`onChunk` instead). Unset means zero latency: no delay anywhere.
   */
  latency?: { firstChunkMs?: number; chunkMs?: number };
  /** Set false in benchmarks so `requests` does not grow without bound. Default true. */
  record?: boolean;
  /** Model ids listed by `GET /v1/models` (and by Ollama's `GET /api/tags`). */
  models?: string[];
}

/** The text the fakes answer with when the script has run out. */
export const EXHAUSTED_TEXT = "(fake model: script exhausted)";

/** A scripted reply resolved to a message, with defaults filled in. */
export interface ResolvedMessage {
  kind: "message";
  deltas: string[];
  /** Tool calls with ids filled in. */
  toolCalls: FakeToolCall[];
  usage: FakeUsage;
  truncated: boolean;
  hold: Hold | undefined;
}

/** A scripted reply resolved to an HTTP error. */
export interface ResolvedError {
  kind: "error";
  error: ScriptedError;
}

/** The queue of scripted turns behind one fake server. */
export interface ModelScript {
  /** Replaces the turns still pending. */
  set(steps: ScriptStep[]): void;
  /** How many scripted turns have not been used yet. */
  readonly pending: number;
  /** Takes the next turn and resolves it against the request. */
  next(request: RecordedRequest): Promise<ResolvedMessage | ResolvedError>;
}

/** Creates the turn queue for one fake server; generated tool call ids are `${idPrefix}1`, `${idPrefix}2`... */
export function createModelScript(options: FakeModelOptions, idPrefix: string): ModelScript {
  let steps: ScriptStep[] = [...(options.script ?? [])];
  const usageDefaults: FakeUsage = { ...DEFAULT_USAGE, ...options.defaultUsage };
  let ids = 0;
  const resolveReply = (reply: ScriptedReply): ResolvedMessage | ResolvedError => {
    if ("error" in reply) return { kind: "error", error: reply.error };
    const text = reply.text ?? "";
    return {
      kind: "message",
      deltas: typeof text === "string" ? splitIntoDeltas(text) : text.filter((d) => d.length > 0),
      toolCalls: (reply.toolCalls ?? []).map((call) => ({
        id: call.id ?? `${idPrefix}${++ids}`,
        name: call.name,
        input: call.input,
      })),
      usage: { ...usageDefaults, ...reply.usage },
      truncated: reply.truncated ?? false,
      hold: reply.hold,
    };
  };
  return {
    set(next) {
      steps = [...next];
    },
    get pending() {
      return steps.length;
    },
    async next(request) {
      const step = steps.shift();
      if (step === undefined) {
        if (options.onExhausted === "error") {
          return { kind: "error", error: { status: 500, message: "fake model: script exhausted" } };
        }
        return resolveReply({ text: EXHAUSTED_TEXT });
      }
      return resolveReply(typeof step === "function" ? await step(request) : step);
    },
  };
}

/** Splits text into word-sized stream deltas whose concatenation is the text ("a b" -> ["a", " b"]). */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/** Splits a tool's JSON arguments into small pieces, as the real APIs stream them. */
export function splitJson(json: string, size = 8): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += size) pieces.push(json.slice(i, i + size));
  return pieces;
}

/** A one-shot gate a test opens to let a parked stream continue. */
export interface Gate {
  /** Resolves once a fake has parked at this gate. */
  readonly reached: Promise<void>;
  /** Lets the parked stream continue (safe to call before it is reached, and more than once). */
  release(): void;
  /** Used by the fakes: marks the gate reached and waits until it is released. */
  wait(): Promise<void>;
}

/** Creates a gate for `hold`. */
export function createGate(): Gate {
  let markReached = () => {};
  let open = () => {};
  const reached = new Promise<void>((resolve) => {
    markReached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    reached,
    release: () => open(),
    wait() {
      markReached();
      return released;
    },
  };
}
