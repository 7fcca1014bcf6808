// The edit tool: replace an exact piece of text in a workspace file. The text must occur once
// (unless replace_all), so the model cannot change a place it did not mean to.
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import type { AgentTool } from "./tool.ts";
import { decodeText, toolError, workspaceFailure } from "./tool-result.ts";

const editInput = z.object({
  path: z.string().describe('Path of the file, relative to the workspace root, e.g. "notes/todo.md".'),
  old_text: z
    .string()
    .min(1)
    .describe(
      "The exact text to replace, copied from the file: same spaces, indentation and line breaks. " +
        "Include enough surrounding lines that it occurs only once.",
    ),
  new_text: z.string().describe("The text to put in its place (may be empty to delete)."),
  replace_all: z
    .boolean()
    .optional()
    .describe("Replace every occurrence instead of requiring exactly one. Default false."),
});

/** The edit tool's input, as validated by its schema. */
export type EditInput = z.infer<typeof editInput>;

/** Creates the `edit` tool: exact, unique text replacement in one file. */
export function createEditTool(): AgentTool<EditInput> {
  return {
    name: "edit",
    description:
      "Change part of a text file in the workspace: replaces old_text with new_text. old_text must " +
      "match the file exactly and occur exactly once (or set replace_all). Read the file first and copy " +
      "the text. To create a file or replace all of it, use write.",
    input: editInput,
    async run({ path, old_text, new_text, replace_all }, { workspace }) {
      let file: string;
      let bytes: Uint8Array | null;
      try {
        file = normalizeWorkspacePath(path);
        bytes = await workspace.read(file);
      } catch (error) {
        return workspaceFailure(error, "read", path);
      }
      if (bytes === null) {
        return toolError(
          `File not found: ${JSON.stringify(file)}. Use list to find it, or write to create it.`,
        );
      }
      const text = decodeText(bytes);
      if (text === null)
        return toolError(`${JSON.stringify(file)} is a binary file; edit changes text files only.`);
      if (old_text === new_text)
        return toolError("old_text and new_text are the same; there is nothing to change.");

      let from = old_text;
      let to = new_text;
      let found = occurrences(text, from);
      // The model usually writes "\n"; a file saved on Windows has "\r\n". Match it in the file's style.
      if (found.length === 0 && text.includes("\r\n") && from.includes("\n") && !from.includes("\r")) {
        from = from.replaceAll("\n", "\r\n");
        to = to.replaceAll("\n", "\r\n");
        found = occurrences(text, from);
      }
      if (found.length === 0) {
        const hint = text.includes(old_text.trim())
          ? " Text matching it without its leading/trailing whitespace exists: check the spaces and line breaks at its ends."
          : "";
        return toolError(
          `old_text was not found in ${file} (0 occurrences). It must match the file exactly, including ` +
            `spaces, indentation and line breaks; read the file again and copy the text to replace.${hint}`,
        );
      }
      const lines = found.map((index) => lineOf(text, index));
      if (found.length > 1 && replace_all !== true) {
        return toolError(
          `old_text occurs ${found.length} times in ${file} (at lines ${listLines(lines)}). Include more ` +
            "surrounding text so it matches exactly once, or set replace_all to true to replace every occurrence.",
        );
      }
      const updated = replace_all === true ? text.replaceAll(from, to) : text.replace(from, () => to);
      try {
        await workspace.write(file, updated);
      } catch (error) {
        return workspaceFailure(error, "write", file);
      }
      const where =
        found.length === 1
          ? `1 occurrence at line ${lines[0]}`
          : `${found.length} occurrences at lines ${listLines(lines)}`;
      const removed = countLines(from);
      const added = to === "" ? 0 : countLines(to);
      const each = found.length > 1 ? "each " : "";
      return {
        text: `Edited ${file}: replaced ${where} (${each}${plural(removed, "line")} → ${plural(added, "line")}).`,
      };
    },
  };
}

/** Start indices of the non-overlapping occurrences of `needle` in `text`. */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) found.push(i);
  return found;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function countLines(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function listLines(lines: number[]): string {
  const shown = lines.slice(0, 10).join(", ");
  return lines.length > 10 ? `${shown}, …` : shown;
}
