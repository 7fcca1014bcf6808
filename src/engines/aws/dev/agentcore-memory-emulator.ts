// AgentCore Memory's data plane on loopback, for `aws dev` and the tests: the real BedrockAgentCoreClient
// talks to it through `endpoint` (restJson1, paths as in the SDK's schema). CreateEvent, ListEvents,
// RetrieveMemoryRecords, ListMemoryRecords and DeleteMemoryRecord; long-term extraction runs when
// extract() is called. Errors come back as AgentCore sends them: status, `x-amzn-errortype`, `{"message"}`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
import { MEMORY_NAMESPACES } from "../../../adapters/agentcore/memory.ts";
import {
  createMemoryState,
  MemoryApiError,
  type MemoryStrategy,
  type StoredEvent,
  type StoredRecord,
} from "./agentcore-memory-store.ts";
import { listenOnLoopback } from "../../../util/listen-loopback.ts";
import { validationMessage } from "./scheduler-emulator-api.ts";

export { type MemoryStrategy, resolveTemplate } from "./agentcore-memory-store.ts";

export interface AgentCoreMemoryEmulatorOptions {
  /** The one memory it serves (like "agent_claw_memory-AbCdEf1234"); any other id gets ResourceNotFoundException. */
  memoryId: string;
  /** Its long-term strategies (default: one semantic strategy into /facts/{actorId}/). */
  strategies?: MemoryStrategy[];
  /**
   * Extract on its own this long after an event arrives, as AgentCore does minutes later (`aws dev`);
   * absent: only extract() extracts (tests).
   */
  extractAfterMs?: number;
  now?: () => number;
  log?(line: string): void;
}

export interface AgentCoreMemoryEmulator {
  /** http://127.0.0.1:<port>: the client's `endpoint`. */
  endpoint: string;
  memoryId: string;
  /** Runs long-term extraction now over the events not yet extracted; resolves with the records made. */
  extract(): Promise<number>;
  /** What was stored, for tests: events with their payloads, and the records. */
  events(): StoredEvent[];
  records(): StoredRecord[];
  close(): Promise<void>;
}

/** One semantic strategy writing where the deployment's does (MEMORY_NAMESPACES). */
export const DEFAULT_STRATEGIES: MemoryStrategy[] = [
  { id: "facts-0000000000", namespaces: MEMORY_NAMESPACES },
];

// Patterns from the AgentCore API reference (Event, CreateEvent).
const ACTOR_ID = /^[a-zA-Z0-9][a-zA-Z0-9-_/]*(?::[a-zA-Z0-9-_/]+)*[a-zA-Z0-9-_/]*$/;
const SESSION_ID = /^[a-zA-Z0-9][a-zA-Z0-9-_]*$/;

const actorId = z.string().min(1).max(255).regex(ACTOR_ID, "Member must satisfy regular expression pattern");
const sessionId = z
  .string()
  .min(1)
  .max(100)
  .regex(SESSION_ID, "Member must satisfy regular expression pattern");
const payload = z.union([
  z.object({
    conversational: z.object({
      content: z.object({ text: z.string().min(1).max(100_000) }),
      role: z.enum(["USER", "ASSISTANT", "TOOL", "OTHER"]),
    }),
  }),
  z.object({ blob: z.unknown() }),
  z.object({ json: z.object({ content: z.unknown() }) }),
]);

const createEventBody = z.object({
  actorId,
  sessionId,
  eventTimestamp: z.number(),
  payload: z.array(payload).min(1).max(100),
  clientToken: z.string().min(1).optional(),
  metadata: z.record(z.string().min(1).max(128), z.object({ stringValue: z.string().max(256) })).optional(),
  extractionMode: z.enum(["SKIP"]).optional(),
  extractionConfig: z.object({ namespaceVariables: z.record(z.string(), z.string()).optional() }).optional(),
  branch: z.object({ name: z.string(), rootEventId: z.string().optional() }).optional(),
});
const page = { maxResults: z.number().int().min(1).max(100).optional(), nextToken: z.string().optional() };
const listEventsBody = z.object({ includePayloads: z.boolean().optional(), ...page });
const namespaceOf = {
  namespace: z.string().min(1).max(1024).optional(),
  namespacePath: z.string().min(1).max(1024).optional(),
};
const retrieveBody = z.object({
  ...namespaceOf,
  searchCriteria: z.object({
    searchQuery: z.string().min(1).max(10_000),
    memoryStrategyId: z.string().optional(),
    topK: z.number().int().min(1).max(100).optional(),
  }),
  ...page,
});
const listRecordsBody = z.object({ ...namespaceOf, memoryStrategyId: z.string().optional(), ...page });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new MemoryApiError(400, "ValidationException", validationMessage(parsed.error));
  return parsed.data;
}

/** Either a namespace prefix or a namespace path, fully resolved: AgentCore rejects a template. */
function scope(input: { namespace?: string | undefined; namespacePath?: string | undefined }) {
  const value = input.namespace ?? input.namespacePath;
  if (value === undefined) {
    throw new MemoryApiError(400, "ValidationException", "Either namespace or namespacePath is required.");
  }
  if (/[{}]/.test(value)) {
    throw new MemoryApiError(
      400,
      "ValidationException",
      `Namespace ${value} contains unresolved template variables; retrieve with a resolved namespace.`,
    );
  }
  return { prefix: value, path: input.namespace === undefined };
}

/** One page of `items`; the token is the offset, opaque to the client. */
function paginate<T>(items: T[], maxResults = 20, nextToken?: string) {
  const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, "base64url").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) {
    throw new MemoryApiError(400, "ValidationException", "The nextToken is not one this memory gave out.");
  }
  const end = start + maxResults;
  return {
    items: items.slice(start, end),
    ...(end < items.length && { nextToken: Buffer.from(String(end)).toString("base64url") }),
  };
}

const seconds = (ms: number) => ms / 1000;

const eventJson = (memoryId: string, e: StoredEvent, payloads = true) => ({
  memoryId,
  actorId: e.actorId,
  sessionId: e.sessionId,
  eventId: e.eventId,
  eventTimestamp: seconds(e.eventTimestamp),
  payload: payloads ? e.payload : [],
  ...(e.metadata && { metadata: e.metadata }),
});

const recordJson = (r: StoredRecord, score?: number) => ({
  memoryRecordId: r.memoryRecordId,
  content: { text: r.text },
  memoryStrategyId: r.memoryStrategyId,
  namespaces: r.namespaces,
  createdAt: seconds(r.createdAt),
  ...(score !== undefined && { score }),
});

export async function startAgentCoreMemoryEmulator(
  options: AgentCoreMemoryEmulatorOptions,
): Promise<AgentCoreMemoryEmulator> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[memory] ${line}\n`));
  const now = options.now ?? Date.now;
  const state = createMemoryState(options.strategies ?? DEFAULT_STRATEGIES, now);
  const { memoryId } = options;
  let pending: NodeJS.Timeout | undefined;
  const extract = () => {
    const made = state.extract();
    if (made > 0) log(`extraction made ${made} record${made === 1 ? "" : "s"}`);
    return made;
  };
  /** One extraction timer at a time, like a batch of a few turns in AgentCore. */
  const scheduleExtraction = () => {
    if (options.extractAfterMs === undefined || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      extract();
    }, options.extractAfterMs);
  };

  const handle = (method: string, parts: string[], query: URLSearchParams, body: unknown) => {
    if (parts[0] !== "memories" || parts.length < 3) return undefined;
    if (parts[1] !== memoryId) {
      throw new MemoryApiError(404, "ResourceNotFoundException", `Memory ${parts[1]} not found.`);
    }
    const rest = parts.slice(2);
    if (method === "POST" && rest.length === 1 && rest[0] === "events") {
      const input = parse(createEventBody, body);
      const event = state.createEvent(
        {
          actorId: input.actorId,
          sessionId: input.sessionId,
          eventTimestamp: Math.round(input.eventTimestamp * 1000),
          payload: input.payload as Array<Record<string, unknown>>,
          ...(input.metadata && { metadata: input.metadata }),
          skipExtraction: input.extractionMode === "SKIP",
          namespaceVariables: input.extractionConfig?.namespaceVariables ?? {},
        },
        input.clientToken,
      );
      scheduleExtraction();
      return { status: 201, json: { event: eventJson(memoryId, event) } };
    }
    if (method === "POST" && rest.length === 4 && rest[0] === "actor" && rest[2] === "sessions") {
      const input = parse(listEventsBody, body);
      const { items, nextToken } = paginate(
        state.listEvents(rest[1]!, rest[3]!),
        input.maxResults,
        input.nextToken,
      );
      const events = items.map((e) => eventJson(memoryId, e, input.includePayloads ?? true));
      return { status: 200, json: { events, ...(nextToken && { nextToken }) } };
    }
    if (method === "POST" && rest.length === 1 && rest[0] === "retrieve") {
      const input = parse(retrieveBody, body);
      const { prefix, path } = scope(input);
      const { searchQuery, memoryStrategyId, topK } = input.searchCriteria;
      const ranked = state.retrieve(prefix, path, searchQuery, memoryStrategyId).slice(0, topK ?? 10);
      const { items, nextToken } = paginate(ranked, input.maxResults, input.nextToken);
      const memoryRecordSummaries = items.map((r) => recordJson(r, r.score));
      return { status: 200, json: { memoryRecordSummaries, ...(nextToken && { nextToken }) } };
    }
    if (method === "POST" && rest.length === 1 && rest[0] === "memoryRecords") {
      const input = parse(listRecordsBody, body);
      const { prefix, path } = scope(input);
      const { items, nextToken } = paginate(
        state.records(prefix, path, input.memoryStrategyId),
        input.maxResults,
        input.nextToken,
      );
      return {
        status: 200,
        json: { memoryRecordSummaries: items.map((r) => recordJson(r)), ...(nextToken && { nextToken }) },
      };
    }
    if (method === "DELETE" && rest.length === 2 && rest[0] === "memoryRecords") {
      const id = rest[1]!;
      const namespace = query.get("namespace");
      const record = state.allRecords.find((r) => r.memoryRecordId === id);
      if (!record || (namespace !== null && !record.namespaces.includes(namespace))) {
        throw new MemoryApiError(404, "ResourceNotFoundException", `Memory record ${id} not found.`);
      }
      state.deleteRecord(id);
      return { status: 200, json: { memoryRecordId: id } };
    }
    return undefined;
  };

  const send = (res: ServerResponse, status: number, json: unknown, type?: string) => {
    res.writeHead(status, { "content-type": "application/json", ...(type && { "x-amzn-errortype": type }) });
    res.end(JSON.stringify(json));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://memory");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    try {
      let body: unknown = {};
      try {
        body = raw.trim() === "" ? {} : JSON.parse(raw);
      } catch {
        throw new MemoryApiError(400, "ValidationException", "The request body is not valid JSON.");
      }
      const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
      const answer = handle(req.method ?? "GET", parts, url.searchParams, body);
      if (!answer) {
        throw new MemoryApiError(
          404,
          "UnknownOperationException",
          `No operation at ${req.method} ${url.pathname}.`,
        );
      }
      send(res, answer.status, answer.json);
    } catch (error) {
      if (error instanceof MemoryApiError) {
        log(`${req.method} ${url.pathname}: ${error.type} ${error.message}`);
        send(res, error.status, { message: error.message }, error.type);
        return;
      }
      log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      send(
        res,
        500,
        { message: "The AgentCore Memory stand-in failed; see its log." },
        "InternalServerException",
      );
    }
  };

  const server = createServer((req, res) => void serve(req, res));
  const origin = await listenOnLoopback(server);

  return {
    endpoint: origin,
    memoryId,
    extract: async () => extract(),
    events: () => [...state.events],
    records: () => state.allRecords,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(pending);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
