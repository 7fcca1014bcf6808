// A fake OpenAI /v1/embeddings on 127.0.0.1 for the memory index's hybrid search: the real AI SDK
// provider talks to it. Its vectors understand a few synonyms (car ~ automobile ~ vehicle, ...), so a
// test can show a note found by meaning that shares no word with the query; other words hash apart.
import { createServer, type IncomingMessage } from "node:http";
import { listenOnLoopback } from "../../src/util/listen-loopback.ts";

/** Words that mean the same thing share a dimension: what a real embedding model learns. */
const CONCEPTS: readonly (readonly string[])[] = [
  ["car", "automobile", "vehicle", "parked", "parking"],
  ["doctor", "physician", "gp", "appointment"],
  ["holiday", "vacation", "trip", "travel"],
  ["money", "salary", "pay", "income"],
];
const DIMENSIONS = 64;

function hash(word: string): number {
  let h = 2166136261;
  for (const c of word) h = Math.imul(h ^ c.codePointAt(0)!, 16777619);
  return (h >>> 0) % (DIMENSIONS - CONCEPTS.length);
}

/** A deterministic unit-free vector: one count per concept, or per hashed word. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const concept = CONCEPTS.findIndex((words) => words.includes(word));
    vector[concept >= 0 ? concept : CONCEPTS.length + hash(word)]! += concept >= 0 ? 3 : 1;
  }
  return vector;
}

export interface FakeEmbeddingsServer {
  /** Base URL ending in /v1. */
  readonly url: string;
  /** The inputs of every accepted request, oldest first. */
  readonly requests: Array<{ model: string; input: string[] }>;
  /** Answers the next `count` requests with OpenAI's error for `status` (500: server_error). */
  fail(status: number, count?: number): void;
  close(): Promise<void>;
}

const body = async (req: IncomingMessage) => {
  let text = "";
  for await (const chunk of req) text += chunk;
  return JSON.parse(text) as { model?: unknown; input?: unknown; encoding_format?: unknown };
};

export async function startOpenAIEmbeddingsFake(
  options: { apiKey?: string } = {},
): Promise<FakeEmbeddingsServer> {
  const apiKey = options.apiKey ?? "test-key";
  const requests: FakeEmbeddingsServer["requests"] = [];
  let failures: { status: number; left: number } | undefined;
  const server = createServer(async (req, res) => {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, message: string, type: string, code: string | null = null) =>
      send(status, { error: { message, type, param: null, code } });
    if (req.method !== "POST" || req.url !== "/v1/embeddings")
      return error(404, `Unknown path ${req.url}`, "invalid_request_error");
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    }
    if (failures && failures.left > 0) {
      failures.left--;
      return error(failures.status, "The server had an error while processing your request.", "server_error");
    }
    const parsed = await body(req);
    const input = typeof parsed.input === "string" ? [parsed.input] : parsed.input;
    if (
      typeof parsed.model !== "string" ||
      !Array.isArray(input) ||
      !input.every((x) => typeof x === "string")
    ) {
      return error(
        400,
        "'input' must be a string or an array of strings, and 'model' a string.",
        "invalid_request_error",
      );
    }
    if (parsed.encoding_format !== undefined && parsed.encoding_format !== "float") {
      return error(400, "Only encoding_format 'float' is supported by this fake.", "invalid_request_error");
    }
    requests.push({ model: parsed.model, input: input as string[] });
    const texts = input as string[];
    send(200, {
      object: "list",
      data: texts.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text) })),
      model: parsed.model,
      usage: { prompt_tokens: texts.join(" ").length, total_tokens: texts.join(" ").length },
    });
  });
  const origin = await listenOnLoopback(server);
  return {
    url: `${origin}/v1`,
    requests,
    fail(status, count = 1) {
      failures = { status, left: count };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
