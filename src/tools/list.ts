// The list tool: what a workspace folder holds, with sizes, so the model can find files to read.
// Capped, because a recursive listing of a big tree would fill the context on its own.
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import type { WorkspaceEntry } from "../ports/workspace.ts";
import { formatBytes } from "../util/format-bytes.ts";
import type { AgentTool } from "./tool.ts";
import { toolError, workspaceFailure } from "./tool-result.ts";

/** Cap on entries in one result; default 500. */
export interface ListToolOptions {
  maxEntries?: number;
}

const listInput = z.object({
  path: z
    .string()
    .optional()
    .describe('Folder to list, relative to the workspace root, e.g. "notes". Default: the root.'),
  recursive: z
    .boolean()
    .optional()
    .describe("Also list everything inside subfolders, at any depth. Default false."),
  offset: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("1-based entry number to start at, to continue a long listing. Default 1."),
});

/** The list tool's input, as validated by its schema. */
export type ListInput = z.infer<typeof listInput>;

/** Creates the `list` tool: entries sorted by path, folders ending in "/", files with sizes. */
export function createListTool(options: ListToolOptions = {}): AgentTool<ListInput> {
  const maxEntries = options.maxEntries ?? 500;
  return {
    name: "list",
    description:
      "List the files and folders in a workspace folder (the root by default). Folders end with '/', " +
      "files show their size. Paths are shown from the workspace root, ready to pass to read. " +
      `Set recursive to see everything below. One call shows at most ${maxEntries} entries; use offset for more.`,
    input: listInput,
    async run({ path = "", recursive, offset = 1 }, { workspace }) {
      let dir: string;
      let entries: WorkspaceEntry[];
      try {
        dir = normalizeWorkspacePath(path);
        if (dir !== "") {
          const entry = await workspace.stat(dir);
          if (entry === null) {
            return toolError(
              `Folder not found: ${JSON.stringify(dir)}. List the root (path "") to see what exists.`,
            );
          }
          if (entry.kind === "file") return { text: `${line(entry)}  (a file; use read to open it)` };
        }
        entries = await workspace.list(dir, { recursive: recursive === true });
      } catch (error) {
        return workspaceFailure(error, "list", path);
      }
      const name = dir === "" ? "The workspace root" : `${dir}/`;
      if (entries.length === 0) return { text: `${name} is empty.` };
      if (offset > entries.length) {
        return toolError(`offset ${offset} is past the end: ${name} has ${entries.length} entries.`);
      }
      const shown = entries.slice(offset - 1, offset - 1 + maxEntries);
      const files = entries.filter((e) => e.kind === "file").length;
      const kinds = `${count(files, "file")}, ${count(entries.length - files, "folder")}`;
      const header = `${name} (${count(entries.length, "entry", "entries")}: ${kinds}${recursive ? ", recursive" : ""})`;
      const body = shown.map(line).join("\n");
      if (shown.length === entries.length) return { text: `${header}\n${body}` };
      const last = offset - 1 + shown.length;
      const next =
        last < entries.length
          ? `call list with offset=${last + 1} to continue${recursive ? ", or list a subfolder" : ""}.`
          : "this is the end.";
      const note = `[Showing entries ${offset}-${last} of ${entries.length}; ${next}]`;
      return { text: `${header}\n${body}\n\n${note}` };
    },
  };
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function line(entry: WorkspaceEntry): string {
  return entry.kind === "dir" ? `${entry.path}/` : `${entry.path}  ${formatBytes(entry.size)}`;
}
