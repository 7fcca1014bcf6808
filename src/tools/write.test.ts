// Writing files: created or overwritten, folders made, bytes reported, escapes refused.
import { describe, expect, it } from "vitest";
import { createMemoryWorkspace } from "./testing/memory-workspace.ts";
import { toolContext } from "./testing/tool-context.ts";
import { createWriteTool } from "./write.ts";

describe("write", () => {
  const write = createWriteTool();

  it("creates a file in new folders and reports the bytes written", async () => {
    const workspace = createMemoryWorkspace();
    const context = toolContext({ workspace });
    const result = await write.run({ path: "memory/2026/11-22.md", content: "note ✓\n" }, context);
    expect(result).toEqual({ text: "Created memory/2026/11-22.md: wrote 9 bytes." });
    expect(new TextDecoder().decode((await workspace.read("memory/2026/11-22.md"))!)).toBe("note ✓\n");
  });

  it("overwrites an existing file and says so", async () => {
    const workspace = createMemoryWorkspace({ "a.md": "old" });
    const result = await write.run({ path: "./a.md", content: "x".repeat(2048) }, toolContext({ workspace }));
    expect(result).toEqual({ text: "Overwrote a.md: wrote 2048 bytes (2.0 KB)." });
  });

  it("refuses folders, the root and paths outside the workspace, without throwing", async () => {
    const workspace = createMemoryWorkspace({ "notes/a.md": "a" });
    const context = toolContext({ workspace });
    expect((await write.run({ path: "notes", content: "x" }, context)).text).toContain("is a folder");
    expect((await write.run({ path: "", content: "x" }, context)).isError).toBe(true);
    for (const path of ["../evil.sh", "/etc/passwd"]) {
      const result = await write.run({ path, content: "x" }, context);
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/leaves the workspace|is absolute/);
    }
    expect(await workspace.list("", { recursive: true })).toHaveLength(2);
  });
});
