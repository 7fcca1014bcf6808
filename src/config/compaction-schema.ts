// The config's agent.contextWindow and agent.compaction: how big the model's window is taken to be,
// when a conversation is compacted, what is kept, how much one tool result may take, and whether the
// memory flush runs first. Read by src/core/context/compaction-settings.ts.
import { z } from "zod";

const percent = (what: string, min: number, max: number) =>
  z
    .number()
    .int(`${what} is a whole percentage`)
    .min(min, `${what} is at least ${min} (percent of the context window)`)
    .max(max, `${what} is at most ${max} (percent of the context window)`);

/** agent.contextWindow: tokens; absent: the model's known window (32000 for unknown models). */
export const contextWindowSchema = z
  .number()
  .int("contextWindow is a whole number of tokens")
  .min(2_000, "contextWindow is at least 2000 tokens")
  .max(10_000_000, "contextWindow is at most 10000000 tokens")
  .optional()
  .describe(
    "The model's context window in tokens. Absent: known for Anthropic, OpenAI and Bedrock models, 32000 for others (set it for local models).",
  );

/** agent.compaction: every field has its default. */
export const compactionSchema = z
  .object({
    atPercent: percent("atPercent", 20, 95)
      .default(80)
      .describe("Compact before a model call whose prompt would fill more than this share of the window."),
    keepRecentPercent: percent("keepRecentPercent", 5, 60)
      .default(25)
      .describe("Recent messages a compaction keeps word for word, as a share of the window."),
    toolResultMaxPercent: percent("toolResultMaxPercent", 5, 80)
      .default(30)
      .describe("Largest share of the window one tool result may take; longer results are cut with a note."),
    memoryFlush: z
      .boolean()
      .default(true)
      .describe("Before compacting, let the model save durable facts to MEMORY.md and memory/YYYY-MM-DD.md."),
  })
  .strict()
  .refine((c) => c.keepRecentPercent < c.atPercent, {
    message: "keepRecentPercent must be below atPercent, or a compaction would not make room",
  });

export type CompactionConfig = z.infer<typeof compactionSchema>;
