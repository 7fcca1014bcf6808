// The Memory port on AWS: each finished turn is one AgentCore Memory event (actor = the person, session =
// the transcript), which AgentCore's strategies turn into long-term records some minutes later; a search
// asks RetrieveMemoryRecords in the person's resolved namespaces and merges the hits with a BM25 search
// of the workspace's Markdown notes in S3 (note-search.ts).
import { createHash } from "node:crypto";
import {
  type BedrockAgentCoreClient,
  CreateEventCommand,
  ListMemoryRecordsCommand,
  RetrieveMemoryRecordsCommand,
} from "@aws-sdk/client-bedrock-agentcore";
import type { Clock } from "../../ports/clock.ts";
import { DEFAULT_MEMORY_HITS, type Memory, type MemoryHit, type MemoryTurn } from "../../ports/memory.ts";
import type { Workspace } from "../../ports/workspace.ts";
import { createNoteSearch } from "./note-search.ts";
import { words } from "./words.ts";

/**
 * Where the deployment's semantic strategy writes (infra/assistant-memory.ts uses the same list). The
 * trailing "/" makes a person's prefix end at their id: "/facts/telegram:1/" never matches "telegram:12".
 * A search names the resolved namespace whole, so it holds whether the service takes `namespace` as a
 * prefix (the API reference) or as an exact match (AWS's namespace design post).
 */
export const MEMORY_NAMESPACES = ["/facts/{actorId}/"];

export interface AgentCoreMemoryOptions {
  client: BedrockAgentCoreClient;
  /** The AgentCore Memory resource's id ("agent_claw_memory-AbCdEf1234"). */
  memoryId: string;
  /** Namespace templates of the memory's strategies (default MEMORY_NAMESPACES). */
  namespaces?: string[];
  /** The agent's notes (MEMORY.md, memory/*.md...): S3 in a Lambda, the session's disk in AgentCore Runtime. */
  workspace: Workspace;
  clock: Clock;
}

/** AgentCore's limit on an event's payload items. */
const MAX_PAYLOAD = 100;
/** RRF's constant: ranks, not raw scores, are merged (BM25 and AgentCore's relevance are not comparable). */
const RRF_K = 60;

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 10);

/**
 * An id AgentCore accepts for `value` (actorId: letters, digits, - and _, with ":" between parts; sessionId:
 * no ":"). Ids it already accepts are kept as they are, so records stay readable; any other becomes its
 * safe characters plus a hash of the original, so two people never share one id. "/" is never kept: it
 * would nest one person's namespace inside another's.
 */
export function memoryId(value: string, kind: "actor" | "session"): string {
  const valid =
    kind === "actor" ? /^[a-zA-Z0-9][a-zA-Z0-9_-]*(?::[a-zA-Z0-9_-]+)*$/ : /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
  const max = kind === "actor" ? 255 : 100;
  if (valid.test(value) && value.length <= max) return value;
  const safe = value.replace(/[^a-zA-Z0-9_-]/g, "_").replace(/^[^a-zA-Z0-9]+/, "");
  return `${safe.slice(0, max - 12) || "id"}-${shortHash(value)}`;
}

/** A template resolved for one person, cut before the first variable retrieval cannot know ({sessionId}). */
export function actorNamespace(template: string, actorId: string): string {
  const resolved = template.replaceAll("{actorId}", actorId);
  const open = resolved.indexOf("{");
  return open < 0 ? resolved : resolved.slice(0, resolved.lastIndexOf("/", open) + 1);
}

/** AgentCore's errors say what failed but not where: name the memory and the setting. */
function explain(error: unknown, memoryId: string, doing: string): Error {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    name === "ResourceNotFoundException"
      ? ` (is AGENT_CLAW_AWS_MEMORY_ID the id of a memory in this account and region?)`
      : name === "AccessDeniedException"
        ? " (the function's role needs bedrock-agentcore permissions on this memory)"
        : "";
  return new Error(`AgentCore Memory ${memoryId} could not ${doing}: ${name}: ${message}${hint}`, {
    cause: error,
  });
}

export function createAgentCoreMemory(options: AgentCoreMemoryOptions): Memory {
  const { client, memoryId: id } = options;
  const templates = options.namespaces ?? MEMORY_NAMESPACES;
  const notes = createNoteSearch(options.workspace);
  let indexedAt: number | undefined;

  const records = async (actor: string, query: string, limit: number): Promise<MemoryHit[]> => {
    const prefixes = [...new Set(templates.map((t) => actorNamespace(t, memoryId(actor, "actor"))))];
    const pages = await Promise.all(
      prefixes.map((namespace) =>
        client
          .send(
            new RetrieveMemoryRecordsCommand({
              memoryId: id,
              namespace,
              // AgentCore's limits: a query of up to 10,000 characters, topK and a page of up to 100.
              searchCriteria: { searchQuery: query.slice(0, 10_000), topK: Math.min(limit, 100) },
              maxResults: Math.min(limit, 100),
            }),
          )
          .catch((error: unknown) => {
            throw explain(error, id, "be searched");
          }),
      ),
    );
    const seen = new Set<string>();
    return pages
      .flatMap((page, i) =>
        (page.memoryRecordSummaries ?? []).map((record) => ({ record, prefix: prefixes[i]! })),
      )
      .filter(({ record, prefix }) => {
        // A person's records only, whatever the service's prefix rules do with an odd namespace.
        const own = (record.namespaces ?? []).some((ns) => ns.startsWith(prefix));
        if (!own || !record.memoryRecordId || seen.has(record.memoryRecordId)) return false;
        seen.add(record.memoryRecordId);
        return true;
      })
      .sort((a, b) => (b.record.score ?? 0) - (a.record.score ?? 0))
      .map(({ record, prefix }) => ({
        source: "record" as const,
        ref: (record.namespaces ?? []).find((ns) => ns.startsWith(prefix)) ?? prefix,
        id: record.memoryRecordId!,
        snippet: record.content?.text ?? "",
        score: record.score ?? 0,
        ...(record.createdAt && { at: record.createdAt.getTime() }),
      }));
  };

  return {
    async search(request) {
      const limit = request.limit ?? DEFAULT_MEMORY_HITS;
      const query = words(request.query);
      if (query.length === 0 || limit <= 0) return [];
      const [found, noted] = await Promise.all([
        records(request.actor ?? "owner", request.query, limit),
        notes.search(query, limit),
      ]);
      // Reciprocal-rank fusion: the best record and the best note stand side by side.
      return [found, noted]
        .flatMap((hits) => hits.map((hit, rank) => ({ ...hit, score: 1 / (RRF_K + rank + 1) })))
        .sort((a, b) => b.score - a.score || (a.source === "record" ? -1 : 1))
        .slice(0, limit);
    },

    async recordTurn(turn: MemoryTurn) {
      const payload = turn.messages
        .filter((m) => m.text.trim() !== "")
        .slice(-MAX_PAYLOAD)
        .map((m) => ({
          conversational: {
            role: m.role === "user" ? ("USER" as const) : ("ASSISTANT" as const),
            content: { text: m.text },
          },
        }));
      if (payload.length === 0) return;
      const actorId = memoryId(turn.actor, "actor");
      const sessionId = memoryId(turn.sessionId, "session");
      await client
        .send(
          new CreateEventCommand({
            memoryId: id,
            actorId,
            sessionId,
            eventTimestamp: new Date(turn.at),
            payload,
            // The same turn recorded twice (a retried runner) is one event: AgentCore drops the repeat.
            clientToken: createHash("sha256").update(`${actorId}\n${sessionId}\n${turn.at}`).digest("hex"),
            metadata: {
              sessionKey: { stringValue: turn.sessionKey.slice(0, 256) },
              ...(turn.internal && { internal: { stringValue: "true" } }),
            },
            // Heartbeats, flushes and compactions stay in short-term memory, out of the person's facts.
            ...(turn.internal && { extractionMode: "SKIP" as const }),
          }),
        )
        .catch((error: unknown) => {
          throw explain(error, id, "record a turn");
        });
    },

    async index(request) {
      const report = await notes.refresh(request?.full);
      indexedAt = options.clock.now();
      return report;
    },

    async status() {
      await notes.refresh();
      indexedAt = options.clock.now();
      // Every person's records, counted page by page under each strategy's fixed prefix.
      let count = 0;
      for (const prefix of new Set(
        templates.map((t) => t.slice(0, t.indexOf("{") < 0 ? t.length : t.indexOf("{"))),
      )) {
        let nextToken: string | undefined;
        do {
          const page = await client
            .send(
              new ListMemoryRecordsCommand({ memoryId: id, namespace: prefix, maxResults: 100, nextToken }),
            )
            .catch((error: unknown) => {
              throw explain(error, id, "list its records");
            });
          count += page.memoryRecordSummaries?.length ?? 0;
          nextToken = page.nextToken;
        } while (nextToken);
      }
      return {
        backend: `AgentCore Memory ${id} + S3 notes`,
        notes: notes.notes,
        // Conversations are AgentCore events, searched through the records extracted from them.
        transcripts: 0,
        records: count,
        indexedAt,
      };
    },

    async close() {},
  };
}
