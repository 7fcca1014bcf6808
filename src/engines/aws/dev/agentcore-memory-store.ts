// The state behind the AgentCore Memory stand-in: short-term events per actor and session, long-term
// records per namespace, and an extraction that runs only when asked (AgentCore's runs on its own,
// minutes later). Extraction honours extractionMode SKIP and resolves each strategy's namespace templates.
import { createHash, randomBytes } from "node:crypto";
import { wordCounts, words } from "../../../adapters/agentcore/words.ts";

/** An error as AgentCore answers it: HTTP status, `x-amzn-errortype` and message. */
export class MemoryApiError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export interface StoredEvent {
  eventId: string;
  actorId: string;
  sessionId: string;
  /** Milliseconds. */
  eventTimestamp: number;
  payload: Array<Record<string, unknown>>;
  metadata?: Record<string, { stringValue: string }>;
  skipExtraction: boolean;
  namespaceVariables: Record<string, string>;
  extracted: boolean;
}

export interface StoredRecord {
  memoryRecordId: string;
  text: string;
  memoryStrategyId: string;
  namespaces: string[];
  /** Milliseconds. */
  createdAt: number;
}

/** A long-term memory strategy: where its records go (templates with {actorId}, {sessionId}, {memoryStrategyId}). */
export interface MemoryStrategy {
  id: string;
  namespaces: string[];
}

/** Replaces every {name} in a template; an unknown name stays as it is. */
export function resolveTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

export interface MemoryState {
  createEvent(input: Omit<StoredEvent, "eventId" | "extracted">, clientToken?: string): StoredEvent;
  listEvents(actorId: string, sessionId: string): StoredEvent[];
  /** Records whose namespace starts with `prefix` (namespacePath: at a "/" boundary), newest first. */
  records(prefix: string, path: boolean, strategyId?: string): StoredRecord[];
  /** Records ranked by word overlap with the query, each with its score (0-1]; none without a shared word. */
  retrieve(
    prefix: string,
    path: boolean,
    query: string,
    strategyId?: string,
  ): Array<StoredRecord & { score: number }>;
  deleteRecord(id: string): boolean;
  /** Turns every event not yet extracted (and not marked SKIP) into records; returns how many were made. */
  extract(): number;
  readonly events: StoredEvent[];
  readonly allRecords: StoredRecord[];
}

export function createMemoryState(strategies: MemoryStrategy[], now: () => number): MemoryState {
  const events: StoredEvent[] = [];
  const byToken = new Map<string, StoredEvent>();
  const records = new Map<string, StoredRecord>();

  const under = (namespace: string, prefix: string, path: boolean) => {
    if (!path) return namespace.startsWith(prefix);
    const base = prefix.endsWith("/") ? prefix : `${prefix}/`;
    return namespace === prefix || namespace.startsWith(base);
  };
  const matching = (prefix: string, path: boolean, strategyId?: string) =>
    [...records.values()]
      .filter((r) => r.namespaces.some((ns) => under(ns, prefix, path)))
      .filter((r) => strategyId === undefined || r.memoryStrategyId === strategyId)
      .sort((a, b) => b.createdAt - a.createdAt || a.memoryRecordId.localeCompare(b.memoryRecordId));

  return {
    events,
    get allRecords() {
      return [...records.values()];
    },
    createEvent(input, clientToken) {
      // A retried request (same client token) gets the event the first one made, as AgentCore does.
      const earlier = clientToken === undefined ? undefined : byToken.get(clientToken);
      if (earlier) return earlier;
      const event: StoredEvent = {
        ...input,
        eventId: `${String(input.eventTimestamp).padStart(13, "0")}#${randomBytes(4).toString("hex")}`,
        extracted: false,
      };
      events.push(event);
      if (clientToken !== undefined) byToken.set(clientToken, event);
      return event;
    },
    listEvents: (actorId, sessionId) =>
      events
        .filter((e) => e.actorId === actorId && e.sessionId === sessionId)
        .sort((a, b) => a.eventTimestamp - b.eventTimestamp),
    records: matching,
    retrieve(prefix, path, query, strategyId) {
      const asked = [...new Set(words(query))];
      return matching(prefix, path, strategyId)
        .map((record) => {
          const counts = wordCounts(record.text);
          const shared = asked.filter((w) => counts.has(w)).length;
          return { ...record, score: asked.length === 0 ? 0 : shared / asked.length };
        })
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score || b.createdAt - a.createdAt);
    },
    deleteRecord: (id) => records.delete(id),
    extract() {
      let made = 0;
      for (const event of events) {
        if (event.extracted) continue;
        event.extracted = true;
        if (event.skipExtraction) continue;
        // The stand-in's "semantic" extraction: each conversational message is one fact as said.
        const texts = event.payload.flatMap((p) => {
          const c = p["conversational"] as { role?: string; content?: { text?: string } } | undefined;
          return c?.content?.text && (c.role === "USER" || c.role === "ASSISTANT")
            ? [c.content.text.trim()]
            : [];
        });
        for (const strategy of strategies) {
          const vars = {
            ...event.namespaceVariables,
            actorId: event.actorId,
            sessionId: event.sessionId,
            memoryStrategyId: strategy.id,
          };
          const namespaces = strategy.namespaces.map((t) => resolveTemplate(t, vars));
          for (const text of texts.filter(Boolean)) {
            // Consolidation: the same fact in the same namespaces is kept once.
            const id = `mem-${createHash("sha256")
              .update(`${strategy.id}\n${namespaces.join("\n")}\n${text}`)
              .digest("hex")
              .slice(0, 24)}`;
            if (records.has(id)) continue;
            records.set(id, {
              memoryRecordId: id,
              text,
              memoryStrategyId: strategy.id,
              namespaces,
              createdAt: now(),
            });
            made++;
          }
        }
      }
      return made;
    },
  };
}
