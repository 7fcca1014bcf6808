// The read tool: a text file from the workspace, one window of lines at a time, so that a big
// file cannot flood the context; the closing note says which offset continues it.
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import { formatBytes } from "../util/format-bytes.ts";
import type { AgentTool, ToolOutput } from "./tool.ts";
import { decodeText, toolError, workspaceFailure } from "./tool-result.ts";

/** Caps on one read result; defaults 50 KB and 2000 lines. */
export interface ReadToolOptions {
  maxBytes?: number;
  maxLines?: number;
}

const readInput = z.object({
  path: z.string().describe('Path of the file, relative to the workspace root, e.g. "notes/todo.md".'),
  offset: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("1-based line number to start at; use it to continue a long file. Default 1."),
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Maximum number of lines to return. Default: as many as fit the output cap."),
});

/** The read tool's input, as validated by its schema. */
export type ReadInput = z.infer<typeof readInput>;

/** Creates the `read` tool: text files only, paths confined to the workspace. */
export function createReadTool(options: ReadToolOptions = {}): AgentTool<ReadInput> {
  const maxBytes = options.maxBytes ?? 50 * 1024;
  const maxLines = options.maxLines ?? 2000;
  return {
    name: "read",
    description:
      "Read a text file from the workspace. Returns the text exactly as stored (no line numbers). " +
      `One call returns at most ${maxLines} lines or ${formatBytes(maxBytes)}; a note at the end then ` +
      "gives the offset to continue from. Use offset and limit to read part of a big file. " +
      "Binary files are refused. Use list to find files.",
    input: readInput,
    async run({ path, offset, limit }, { workspace }) {
      let file: string;
      let bytes: Uint8Array | null;
      try {
        file = normalizeWorkspacePath(path);
        bytes = await workspace.read(file);
        if (bytes === null && (await workspace.stat(file))?.kind === "dir") return folderError(file);
      } catch (error) {
        const isDir = await workspace.stat(path).then(
          (entry) => entry?.kind === "dir",
          () => false,
        );
        return isDir ? folderError(path) : workspaceFailure(error, "read", path);
      }
      if (bytes === null) {
        return toolError(
          `File not found: ${JSON.stringify(file)}. Use list to see which files exist ` +
            "(paths are relative to the workspace root).",
        );
      }
      const text = decodeText(bytes);
      if (text === null) {
        return toolError(
          `${JSON.stringify(file)} is a binary file (${formatBytes(bytes.byteLength)}); read opens text files only.`,
        );
      }
      return window(text, file, offset ?? 1, limit, maxLines, maxBytes);
    },
  };
}

function folderError(path: string): ToolOutput {
  return toolError(`${JSON.stringify(path)} is a folder, not a file; use list to see what it holds.`);
}

/** Cuts lines [offset, offset+limit) out of `text`, within the caps, and says how to read on. */
function window(
  text: string,
  path: string,
  offset: number,
  limit: number | undefined,
  maxLines: number,
  maxBytes: number,
): ToolOutput {
  if (text === "") return { text: `(${path} is empty)` };
  const lines = text.split("\n");
  // A final newline ends the last line; it does not start another one.
  if (text.endsWith("\n")) lines.pop();
  const total = lines.length;
  if (offset > total) {
    return toolError(
      `offset ${offset} is past the end of ${JSON.stringify(path)}, which has ${total} lines. ` +
        `Use an offset between 1 and ${total}.`,
    );
  }
  const first = offset - 1;
  const end = limit === undefined ? total : Math.min(total, first + limit);
  const shown: string[] = [];
  let bytes = 0;
  let capped = false;
  let cutLine = "";
  for (let i = first; i < end; i++) {
    const line = lines[i]!;
    const size = Buffer.byteLength(line) + 1;
    if (shown.length >= maxLines || bytes + size > maxBytes) {
      capped = true;
      if (shown.length === 0) {
        // A single line bigger than the cap: show its head rather than nothing.
        const head = new TextDecoder().decode(Buffer.from(line).subarray(0, maxBytes)).replace(/\uFFFD$/, "");
        shown.push(head);
        cutLine = `Line ${i + 1} is ${formatBytes(size - 1)} long; only its first ${formatBytes(maxBytes)} are shown. `;
      }
      break;
    }
    shown.push(line);
    bytes += size;
  }
  const last = first + shown.length;
  if (last >= total && offset === 1 && !cutLine) return { text: shown.join("\n") };
  const why = capped ? ` (cut at the ${maxLines}-line / ${formatBytes(maxBytes)} output cap)` : "";
  const next =
    last < total
      ? `${total - last} more lines; call read with offset=${last + 1} to continue.`
      : "This is the end of the file.";
  const note = `[${cutLine}Showing lines ${offset}-${last} of ${total}${why}. ${next}]`;
  return { text: `${shown.join("\n")}\n\n${note}` };
}
