// The HTTP engine under both fake model servers: routing, auth, recording, script turns, and
// the stream sink that applies holds, the onChunk hook and optional latency. Each provider
// supplies a ModelDialect that speaks its wire format.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type ChunkKind,
  createModelScript,
  type FakeModelOptions,
  type RecordedRequest,
  type ResolvedMessage,
  type ScriptedError,
  type ScriptStep,
} from "./model-script.ts";
import { listenOnLoopback } from "../../src/util/listen-loopback.ts";

/** A running fake model server. */
export interface FakeModelServer {
  /** Base URL ending in `/v1`, ready for the provider's `baseURL` option. */
  readonly url: string;
  /** Every completion request seen so far, oldest first (unless `record: false`). */
  readonly requests: RecordedRequest[];
  /** Scripted turns not used yet; a finished test usually expects 0. */
  readonly pending: number;
  /** Replaces the turns still pending. */
  script(steps: ScriptStep[]): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Writes one streamed response; given to a dialect's `stream`. */
export interface StreamSink {
  /** Writes one server-sent event; `event` names it (Anthropic does, OpenAI does not). */
  send(data: unknown, event?: string): void;
  /** Writes a raw SSE payload line such as `[DONE]`. */
  sendRaw(data: string): void;
  /**
   * Call before each content delta and once before the finish events: applies the hold gate,
   * latency and onChunk hook. Resolves false when the client has gone away (stop writing).
   */
  checkpoint(kind: ChunkKind, delta: string): Promise<boolean>;
}

/** The wire format of one provider API. */
export interface ModelDialect {
  /** The completion endpoint, e.g. `/v1/chat/completions`. */
  completionPath: string;
  /** Prefix of generated tool call ids, e.g. `call_fake_`. */
  toolCallIdPrefix: string;
  /** True when the request carries the expected key. */
  authorized(headers: Record<string, string>, apiKey: string): boolean;
  /** The message of the 401 for a missing or wrong key. */
  unauthorizedMessage: string;
  /** The provider's JSON error body. */
  errorBody(error: ScriptedError): unknown;
  /** A message for a 400 when the request is malformed, else undefined. */
  invalid(body: Record<string, unknown>, headers: Record<string, string>): string | undefined;
  /** Pulls the recorded fields out of a request body. */
  describe(
    body: Record<string, unknown>,
  ): Omit<RecordedRequest, "index" | "method" | "path" | "headers" | "body" | "aborted">;
  /** The non-streamed response body. */
  json(reply: ResolvedMessage, request: RecordedRequest): unknown;
  /** Writes the streamed response events (the engine ends the response afterwards). */
  stream(reply: ResolvedMessage, request: RecordedRequest, sink: StreamSink): Promise<void>;
  /** The body of `GET /v1/models`. */
  modelsBody(models: string[]): unknown;
}

/** Starts a fake model server for a dialect on 127.0.0.1 and an ephemeral port. */
export async function startFakeModelServer(
  dialect: ModelDialect,
  options: FakeModelOptions,
  defaultModels: string[],
): Promise<FakeModelServer> {
  const script = createModelScript(options, dialect.toolCallIdPrefix);
  const requests: RecordedRequest[] = [];
  const record = options.record ?? true;
  let count = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const headers = flattenHeaders(req);
    const unauthorized = options.apiKey !== undefined && !dialect.authorized(headers, options.apiKey);
    if (req.method === "GET" && path === "/v1/models") {
      if (unauthorized) return sendError(res, dialect, { status: 401, message: dialect.unauthorizedMessage });
      return sendJson(res, 200, dialect.modelsBody(options.models ?? defaultModels));
    }
    // Ollama's own model list, so a fake serving the OpenAI protocol also stands in for Ollama.
    if (req.method === "GET" && path === "/api/tags") {
      const names = options.models ?? defaultModels;
      return sendJson(res, 200, { models: names.map((name) => ({ name, model: name, size: 0 })) });
    }
    if (req.method !== "POST" || path !== dialect.completionPath) {
      return sendError(res, dialect, { status: 404, message: `fake model: no route ${req.method} ${path}` });
    }
    const body = await readJsonObject(req);
    if (body === undefined)
      return sendError(res, dialect, { status: 400, message: "body is not a JSON object" });
    const request: RecordedRequest = {
      index: count++,
      method: req.method,
      path,
      headers,
      body,
      ...dialect.describe(body),
      aborted: false,
    };
    if (record) requests.push(request);
    res.on("close", () => {
      if (!res.writableFinished) request.aborted = true;
    });
    if (unauthorized) return sendError(res, dialect, { status: 401, message: dialect.unauthorizedMessage });
    const problem = dialect.invalid(body, headers);
    if (problem !== undefined) return sendError(res, dialect, { status: 400, message: problem });

    const reply = await script.next(request);
    if (reply.kind === "error") return sendError(res, dialect, reply.error);
    const sink = createSink(res, request, reply, options);
    if (!request.stream) {
      if (await sink.checkpoint("finish", "")) sendJson(res, 200, dialect.json(reply, request));
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.flushHeaders();
    await dialect.stream(reply, request, sink);
    if (!res.destroyed) res.end();
  };

  const server = createServer((req, res) => {
    res.on("error", () => {});
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, dialect, { status: 500, message: `fake model crashed: ${String(error)}` });
    });
  });
  const origin = await listenOnLoopback(server);

  return {
    url: `${origin}/v1`,
    requests,
    get pending() {
      return script.pending;
    },
    script: (steps) => script.set(steps),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function createSink(
  res: ServerResponse,
  request: RecordedRequest,
  reply: ResolvedMessage,
  options: FakeModelOptions,
): StreamSink {
  let written = 0;
  let held = false;
  return {
    send(data, event) {
      const line = `data: ${JSON.stringify(data)}\n\n`;
      res.write(event === undefined ? line : `event: ${event}\n${line}`);
    },
    sendRaw(data) {
      res.write(`data: ${data}\n\n`);
    },
    async checkpoint(kind, delta) {
      const { hold } = reply;
      const { latency, onChunk } = options;
      if (hold !== undefined && !held && (written >= hold.after || kind === "finish")) {
        held = true;
        await hold.gate.wait();
      }
      if (latency !== undefined) {
        const ms = written === 0 ? latency.firstChunkMs : latency.chunkMs;
        if (ms !== undefined && ms > 0) await sleep(ms);
      }
      if (onChunk !== undefined) await onChunk({ request, index: written, kind, delta });
      if (kind !== "finish") written++;
      return !res.destroyed;
    },
  };
}

function sendError(res: ServerResponse, dialect: ModelDialect, error: ScriptedError): void {
  const extra: Record<string, string> = {};
  if (error.retryAfter !== undefined) extra["retry-after"] = String(error.retryAfter);
  sendJson(res, error.status, dialect.errorBody(error), extra);
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Joins the text of a content value that is a string or an array of `{ type: "text", text }` parts. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (isRecord(part) && part["type"] === "text" && typeof part["text"] === "string") text += part["text"];
  }
  return text;
}

/** True for a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
