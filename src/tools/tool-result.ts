// Shared shapes of tool results: errors the model can act on, and text decoding for file tools.
import { WorkspacePathError } from "../ports/workspace.ts";
import type { ToolOutput } from "./tool.ts";

/** A failure the model should read and handle. */
export function toolError(text: string): ToolOutput {
  return { text, isError: true };
}

/**
 * Turns an error thrown by the Workspace into advice for the model: a path outside the workspace
 * says so (the port's message already tells what is allowed); anything else names the action.
 */
export function workspaceFailure(error: unknown, action: string, path: string): ToolOutput {
  if (error instanceof WorkspacePathError) {
    return toolError(`${error.message} Paths are relative to the workspace root, e.g. "notes/todo.md".`);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return toolError(`Could not ${action} ${JSON.stringify(path)}: ${reason}`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes a file as UTF-8 text, or returns null when it looks binary: a NUL byte in the first
 * 8 KB, or bytes that are not valid UTF-8. A byte-order mark is kept, so an edit writes it back.
 */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.subarray(0, 8192).includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
