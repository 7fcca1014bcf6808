// Listing folders: sizes, trailing slashes, recursion, the entry cap and its continuation.
import { describe, expect, it } from "vitest";
import { createListTool } from "./list.ts";
import { createMemoryWorkspace } from "./testing/memory-workspace.ts";
import { toolContext } from "./testing/tool-context.ts";

describe("list", () => {
  const workspace = createMemoryWorkspace({
    "SOUL.md": "# Soul\n",
    "MEMORY.md": "x".repeat(3000),
    "memory/2026-11-21.md": "a",
    "memory/deep/old.md": "bb",
  });
  const context = toolContext({ workspace });
  const list = createListTool();

  it("lists the root: folders with a slash, files with sizes", async () => {
    expect(await list.run({}, context)).toEqual({
      text: "The workspace root (3 entries: 2 files, 1 folder)\nMEMORY.md  2.9 KB\nSOUL.md  7 B\nmemory/",
    });
  });

  it("lists recursively with paths from the root", async () => {
    const result = await list.run({ path: "memory", recursive: true }, context);
    expect(result.text).toBe(
      "memory/ (3 entries: 2 files, 1 folder, recursive)\nmemory/2026-11-21.md  1 B\nmemory/deep/\nmemory/deep/old.md  2 B",
    );
  });

  it("caps the entries with a note and continues from offset", async () => {
    const small = createListTool({ maxEntries: 2 });
    const first = await small.run({ recursive: true }, context);
    expect(first.text).toBe(
      "The workspace root (6 entries: 4 files, 2 folders, recursive)\nMEMORY.md  2.9 KB\nSOUL.md  7 B\n\n" +
        "[Showing entries 1-2 of 6; call list with offset=3 to continue, or list a subfolder.]",
    );
    const last = await small.run({ recursive: true, offset: 5 }, context);
    expect(last.text).toContain(
      "memory/deep/\nmemory/deep/old.md  2 B\n\n[Showing entries 5-6 of 6; this is the end.]",
    );
  });

  it("explains missing folders, files and escapes", async () => {
    expect(await list.run({ path: "nope" }, context)).toEqual({
      isError: true,
      text: 'Folder not found: "nope". List the root (path "") to see what exists.',
    });
    expect((await list.run({ path: "SOUL.md" }, context)).text).toBe(
      "SOUL.md  7 B  (a file; use read to open it)",
    );
    const outside = await list.run({ path: "../" }, context);
    expect(outside.isError).toBe(true);
    expect(outside.text).toContain("leaves the workspace");
  });

  it("says an empty folder is empty", async () => {
    const ws = createMemoryWorkspace();
    expect(await list.run({}, toolContext({ workspace: ws }))).toEqual({
      text: "The workspace root is empty.",
    });
  });
});
