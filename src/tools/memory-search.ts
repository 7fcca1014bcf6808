// The memory_search tool: finds what was written in the workspace's notes and said in past
// conversations, so the model can recall beyond the conversation in front of it.
import { z } from "zod";
import { DEFAULT_MEMORY_HITS, type MemoryHit } from "../ports/memory.ts";
import type { AgentTool } from "./tool.ts";
import { toolError } from "./tool-result.ts";

const searchInput = z.object({
  query: z
    .string()
    .trim()
    .min(1, "query must not be empty")
    .max(500, "query is at most 500 characters; use the key words")
    .describe('What to recall, in plain words: "dentist appointment", "what Ana said about the trip".'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(25, "limit is at most 25")
    .optional()
    .describe(`At most this many results (default ${DEFAULT_MEMORY_HITS}).`),
});

export type MemorySearchInput = z.infer<typeof searchInput>;

/** Where a hit is, as the model passes it on: "memory/2026-12-07.md:7-9", "conversation agent:main:main". */
export function hitPlace(hit: MemoryHit): string {
  switch (hit.source) {
    case "note":
      return hit.lines ? `${hit.ref}:${hit.lines.from}-${hit.lines.to}` : hit.ref;
    case "transcript":
      return `conversation ${hit.ref}`;
    case "record":
      return `record ${hit.id ?? ""} in ${hit.ref}`.replace("  ", " ");
  }
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

export function createMemorySearchTool(): AgentTool<MemorySearchInput> {
  return {
    name: "memory_search",
    description:
      "Search your memory: the workspace's notes (MEMORY.md, memory/YYYY-MM-DD.md, other .md files) and " +
      "past conversations. Use it before answering about things from earlier days, people, preferences, " +
      "plans and decisions. Results give a snippet and where it is (file:lines, or the conversation); " +
      "use memory_get to read more of a note.",
    input: searchInput,
    async run({ query, limit }, { memory }) {
      if (!memory) return toolError("Memory search is not set up here.");
      let hits: MemoryHit[];
      try {
        hits = await memory.search({ query, ...(limit !== undefined && { limit }) });
      } catch (error) {
        return toolError(`Memory search failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (hits.length === 0) {
        return {
          text: `Nothing in memory matches ${JSON.stringify(query)}. Try other words, or list memory/.`,
        };
      }
      const lines = hits.map((hit, i) => {
        const when = hit.at !== undefined && hit.source !== "note" ? ` (${day(hit.at)})` : "";
        const snippet = hit.snippet.replace(/\s*\n\s*/g, " ⏎ ").trim();
        return `${i + 1}. ${hitPlace(hit)}${when}\n   ${snippet}`;
      });
      return { text: lines.join("\n") };
    },
  };
}
