// `agent-claw memory search|status|index`: what the assistant can recall, searched and maintained
// from the terminal with the same index memory_search uses (the owner's view: every note).
import { statSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import type { LocalAssistant } from "../../engines/local/assistant.ts";
import type { Memory, MemoryHit } from "../../ports/memory.ts";
import { hitPlace } from "../../tools/memory-search.ts";
import { action, ago, reportError, reportJsonError, UsageError } from "../io.ts";
import { type LocalCommandDeps, localCommandKit } from "../local-command.ts";

const LIMIT_PROBLEM = "--limit must be a whole number from 1 to 100";

const searchFlags = z.object({
  limit: z.coerce
    .number({ error: LIMIT_PROBLEM })
    .int(LIMIT_PROBLEM)
    .min(1, LIMIT_PROBLEM)
    .max(100, LIMIT_PROBLEM)
    .optional(),
  json: z.boolean().optional(),
});
const queryArg = z
  .string()
  .trim()
  .min(1, "QUERY must hold a word to search for")
  .max(500, "QUERY is at most 500 characters");

/** Parses or throws a UsageError with the first problem, worded as flags. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(result.error.issues[0]?.message ?? "invalid flags");
  return result.data;
}

/** A hit as two lines: where it is (and the day of a conversation), then its snippet on one line. */
function hitLines(hit: MemoryHit, n: number): string[] {
  const when =
    hit.at !== undefined && hit.source !== "note" ? ` ${new Date(hit.at).toISOString().slice(0, 10)}` : "";
  return [
    `${n}. ${hitPlace(hit)}${when}  (score ${hit.score.toFixed(3)})`,
    `   ${hit.snippet.replace(/\s*\n\s*/g, " ⏎ ")}`,
  ];
}

export interface MemoryCommandDeps extends LocalCommandDeps {
  /** Progress of a long index run (a terminal line rewritten); absent: none shown. */
  progress?: (text: string) => void;
}

export function memoryCommands(deps: MemoryCommandDeps) {
  const { print, json, open } = localCommandKit(deps);
  const withMemory = <T>(fn: (memory: Memory, assistant: LocalAssistant) => Promise<T>) =>
    open(async (assistant) => {
      const memory = assistant.ports.memory;
      if (!memory) throw new UsageError('Memory is off: set "memory": {"enabled": true} in config.json.');
      return fn(memory, assistant);
    });

  return {
    async search(words: string[], raw: { limit?: string; json?: boolean }) {
      const flags = parse(searchFlags, raw);
      const query = parse(queryArg, words.join(" "));
      const hits = await withMemory((m) =>
        m.search({ query, ...(flags.limit !== undefined && { limit: flags.limit }) }),
      );
      if (flags.json) return json(hits);
      if (hits.length === 0) return print([`Nothing in memory matches ${JSON.stringify(query)}.`]);
      // print strips escape sequences: snippets hold other people's words (a Telegram chat).
      print(hits.flatMap((hit, i) => hitLines(hit, i + 1)));
    },

    async status(flags: { json?: boolean }) {
      await withMemory(async (m, assistant) => {
        const status = await m.status();
        const file = assistant.paths.memoryDb;
        const bytes = ["", "-wal"].reduce(
          (sum, suffix) => sum + (statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0),
          0,
        );
        if (flags.json) return json({ ...status, file, bytes });
        const now = assistant.ports.clock.now();
        print([
          `backend      ${status.backend}`,
          `notes        ${status.notes}`,
          `transcripts  ${status.transcripts}`,
          ...(status.records !== undefined ? [`records      ${status.records}`] : []),
          `embeddings   ${status.embeddings ?? "off (keywords only; see memory.embeddings.model)"}`,
          `indexed      ${status.indexedAt !== undefined ? ago(status.indexedAt, now) : "never (agent-claw memory index)"}`,
          `index file   ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB)`,
        ]);
      });
    },

    async index(flags: { full?: boolean; json?: boolean }) {
      const started = performance.now();
      const progress = flags.json ? undefined : deps.progress;
      const report = await withMemory((m) =>
        m.index({
          full: flags.full === true,
          ...(progress && {
            onProgress: (done: number, total: number) => progress(`indexing ${done}/${total}`),
          }),
        }),
      );
      progress?.("");
      const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
      if (flags.json) return json({ ...report, seconds });
      print([
        `Indexed ${report.indexed}, removed ${report.removed}, unchanged ${report.unchanged} in ${seconds} s.`,
      ]);
    },
  };
}

/** A line rewritten in place on a terminal; nothing when stderr is not one. */
const terminalProgress = (text: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
};

export function registerMemory(program: Command, deps: Partial<MemoryCommandDeps> = {}): void {
  const commands = () =>
    memoryCommands({
      env: process.env,
      out: (text) => process.stdout.write(text),
      progress: terminalProgress,
      ...deps,
    });
  const memory = program
    .command("memory")
    .description("Search the assistant's memory (notes and past conversations) and keep its index current");

  memory
    .command("search")
    .description("Search notes and past conversations, as the memory_search tool does for you")
    .argument("<query...>", "the words to look for")
    .option("--limit <n>", "at most this many hits (1-100, default 8)")
    .option("--json", "print the hits as JSON")
    .action(async (words: string[], flags: { limit?: string; json?: boolean }) => {
      try {
        await commands().search(words, flags);
      } catch (error) {
        process.exitCode = flags.json ? reportJsonError(error) : reportError(error);
      }
    });

  memory
    .command("status")
    .description(
      "What is indexed: notes, conversations, the embedding model, when it was last brought up to date",
    )
    .option("--json", "print JSON")
    .action(action((flags: { json?: boolean }) => commands().status(flags)));

  memory
    .command("index")
    .description("Bring the index up to date with the workspace's notes and the transcripts")
    .option("--full", "read every note again from scratch (conversations are kept)")
    .option("--json", "print the report as JSON")
    .action(action((flags: { full?: boolean; json?: boolean }) => commands().index(flags)));
}
