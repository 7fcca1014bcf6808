// Turns a path given by the model or a user into a safe workspace-relative POSIX path, or refuses it.
import { WorkspacePathError } from "../ports/workspace.ts";

/**
 * Normalises `input` ("notes/./a.md", "notes\\a.md") to a relative path without "." or ".." parts.
 * "" and "." give "" (the root). Refuses absolute paths, drive letters, NUL bytes and any ".."
 * that would climb above the root, with a message that says what is allowed.
 */
export function normalizeWorkspacePath(input: string): string {
  if (input.includes("\0"))
    throw new WorkspacePathError(`Path ${JSON.stringify(input)} contains a NUL byte.`);
  const unified = input.replaceAll("\\", "/").trim();
  if (unified.startsWith("/") || unified.startsWith("~") || /^[A-Za-z]:/.test(unified)) {
    throw new WorkspacePathError(
      `Path ${JSON.stringify(input)} is absolute; use a path relative to the workspace, like "notes/todo.md".`,
    );
  }
  const parts: string[] = [];
  for (const part of unified.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) {
        throw new WorkspacePathError(`Path ${JSON.stringify(input)} leaves the workspace; stay inside it.`);
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join("/");
}

/** Refusal for writing below a file ("notes.md/x.md" when notes.md is a file), on every adapter. */
export function fileInTheWay(rel: string): WorkspacePathError {
  return new WorkspacePathError(
    `Cannot write "${rel}": a part of its folder path is a file, not a folder. Choose another path.`,
  );
}

/** Refusal for writing a file where a folder is. */
export function folderInTheWay(rel: string): WorkspacePathError {
  return new WorkspacePathError(`Cannot write "${rel}": it is a folder. Name a file inside it.`);
}
