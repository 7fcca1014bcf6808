// The memory_get tool: the lines of a note a memory_search hit pointed at (or the whole note), read
// through the turn's workspace, so private notes stay the owner's as they do for read.
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import type { AgentTool } from "./tool.ts";
import { decodeText, toolError, workspaceFailure } from "./tool-result.ts";

/** One call returns at most this many lines... */
const MAX_LINES = 400;
/** ...or this many characters. */
const MAX_CHARS = 20_000;

const getInput = z.object({
  path: z
    .string()
    .min(1)
    .describe('A note\'s path as memory_search gave it, without the line numbers: "memory/2026-12-07.md".'),
  from: z.number().int().min(1).optional().describe("First line to return, 1-based (default 1)."),
  lines: z
    .number()
    .int()
    .min(1)
    .max(MAX_LINES, `lines is at most ${MAX_LINES}`)
    .optional()
    .describe(`How many lines (default: to the end, at most ${MAX_LINES}).`),
});

export type MemoryGetInput = z.infer<typeof getInput>;

export function createMemoryGetTool(): AgentTool<MemoryGetInput> {
  return {
    name: "memory_get",
    description:
      "Read a Markdown note, or some of its lines, e.g. after memory_search pointed at memory/2026-12-07.md:7-9 " +
      "call it with path memory/2026-12-07.md, from 7, lines 3. Lines come numbered.",
    input: getInput,
    async run({ path, from = 1, lines }, { workspace }) {
      let file: string;
      let bytes: Uint8Array | null;
      try {
        file = normalizeWorkspacePath(path.replace(/:\d+(-\d+)?$/, ""));
        if (!file.toLowerCase().endsWith(".md")) {
          return toolError(`memory_get reads Markdown notes (.md); use read for ${JSON.stringify(file)}.`);
        }
        bytes = await workspace.read(file);
      } catch (error) {
        return workspaceFailure(error, "read", path);
      }
      if (bytes === null) return toolError(`No note at ${JSON.stringify(file)}; memory_search finds notes.`);
      const text = decodeText(bytes);
      if (text === null) return toolError(`${JSON.stringify(file)} is not text.`);
      const all = text.split(/\r?\n/);
      if (text.endsWith("\n")) all.pop();
      if (all.length === 0) return { text: `(${file} is empty)` };
      if (from > all.length) {
        return toolError(
          `${JSON.stringify(file)} has ${all.length} lines; from must be at most ${all.length}.`,
        );
      }
      const end = Math.min(all.length, from - 1 + (lines ?? MAX_LINES));
      const shown: string[] = [];
      let chars = 0;
      for (let i = from - 1; i < end; i++) {
        const line = `${i + 1}: ${all[i]}`;
        if (shown.length > 0 && chars + line.length > MAX_CHARS) break;
        shown.push(line);
        chars += line.length + 1;
      }
      const last = from - 1 + shown.length;
      const more = last < all.length ? ` ${all.length - last} more; call again with from ${last + 1}.` : "";
      return { text: `${shown.join("\n")}\n[${file}: lines ${from}-${last} of ${all.length}.${more}]` };
    },
  };
}
