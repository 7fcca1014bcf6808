// The write tool: create or overwrite a whole file in the workspace (folders are created).
// Edits of part of a file go through edit, which cannot lose the rest of the file by accident.
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import { formatBytes } from "../util/format-bytes.ts";
import type { AgentTool } from "./tool.ts";
import { toolError, workspaceFailure } from "./tool-result.ts";

const writeInput = z.object({
  path: z
    .string()
    .describe('Path of the file, relative to the workspace root, e.g. "notes/todo.md". Folders are created.'),
  content: z.string().describe("The complete new content of the file (UTF-8 text)."),
});

/** The write tool's input, as validated by its schema. */
export type WriteInput = z.infer<typeof writeInput>;

/** Creates the `write` tool: replaces the whole file, atomically (per the Workspace contract). */
export function createWriteTool(): AgentTool<WriteInput> {
  return {
    name: "write",
    description:
      "Create a file in the workspace, or overwrite it with new content; missing folders are created. " +
      "This replaces the whole file: to change part of an existing file, use edit instead.",
    input: writeInput,
    async run({ path, content }, { workspace }) {
      let existed: boolean;
      let file: string;
      try {
        file = normalizeWorkspacePath(path);
        if (file === "") return toolError('Give the path of a file, e.g. "notes/todo.md".');
        const entry = await workspace.stat(file);
        if (entry?.kind === "dir") {
          return toolError(`${JSON.stringify(file)} is a folder; give the path of a file inside it.`);
        }
        existed = entry !== null;
        await workspace.write(file, content);
      } catch (error) {
        return workspaceFailure(error, "write", path);
      }
      const size = Buffer.byteLength(content);
      const bytes = size < 1024 ? `${size} bytes` : `${size} bytes (${formatBytes(size)})`;
      return { text: `${existed ? "Overwrote" : "Created"} ${file}: wrote ${bytes}.` };
    },
  };
}
