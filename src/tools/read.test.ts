// What the model sees when it reads files: windows of lines, truncation notes, refusals.
import { describe, expect, it } from "vitest";
import { createReadTool } from "./read.ts";
import { createMemoryWorkspace } from "./testing/memory-workspace.ts";
import { toolContext } from "./testing/tool-context.ts";

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

describe("read", () => {
  const workspace = createMemoryWorkspace({
    "SOUL.md": "# Soul\nBe kind.\n",
    "big.txt": numbered(5000),
    "notes/ten.md": numbered(10),
    "logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]),
    "latin1.txt": new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
    "empty.md": "",
  });
  const context = toolContext({ workspace });
  const read = createReadTool();

  it("returns a small file exactly, without a note", async () => {
    expect(await read.run({ path: "SOUL.md" }, context)).toEqual({ text: "# Soul\nBe kind." });
    expect(await read.run({ path: "./notes/../SOUL.md" }, context)).toEqual({ text: "# Soul\nBe kind." });
  });

  it("reads a window with offset and limit, and says where to continue", async () => {
    const result = await read.run({ path: "notes/ten.md", offset: 3, limit: 2 }, context);
    expect(result.isError).toBeUndefined();
    expect(result.text).toBe(
      "line 3\nline 4\n\n[Showing lines 3-4 of 10. 6 more lines; call read with offset=5 to continue.]",
    );
    const tail = await read.run({ path: "notes/ten.md", offset: 9 }, context);
    expect(tail.text).toBe("line 9\nline 10\n\n[Showing lines 9-10 of 10. This is the end of the file.]");
  });

  it("caps a big file at 2000 lines with a note on how to read the rest", async () => {
    const result = await read.run({ path: "big.txt" }, context);
    const lines = result.text.split("\n");
    expect(lines[0]).toBe("line 1");
    expect(lines[1999]).toBe("line 2000");
    expect(lines.at(-1)).toBe(
      "[Showing lines 1-2000 of 5000 (cut at the 2000-line / 50.0 KB output cap). " +
        "3000 more lines; call read with offset=2001 to continue.]",
    );
    const next = await read.run({ path: "big.txt", offset: 2001 }, context);
    expect(next.text.startsWith("line 2001\n")).toBe(true);
  });

  it("caps by bytes too, and shows the head of a single huge line", async () => {
    const small = createReadTool({ maxBytes: 20 });
    const result = await small.run({ path: "notes/ten.md" }, context);
    expect(result.text).toMatch(
      /^line 1\nline 2\n\n\[Showing lines 1-2 of 10 \(cut at the 2000-line \/ 20 B output cap\)/,
    );
    expect(result.text).toContain("call read with offset=3 to continue");

    const ws = createMemoryWorkspace({ "one.txt": `${"x".repeat(100)}\nnext\n` });
    const huge = await small.run({ path: "one.txt" }, toolContext({ workspace: ws }));
    expect(huge.text).toMatch(/^x{20}\n\n\[Line 1 is 100 B long; only its first 20 B are shown\./);
    expect(huge.text).toContain("offset=2");
  });

  it("refuses an offset past the end with the file's length", async () => {
    const result = await read.run({ path: "notes/ten.md", offset: 11 }, context);
    expect(result).toEqual({
      isError: true,
      text: 'offset 11 is past the end of "notes/ten.md", which has 10 lines. Use an offset between 1 and 10.',
    });
  });

  it("refuses binary files and non-UTF-8 bytes", async () => {
    const png = await read.run({ path: "logo.png" }, context);
    expect(png).toEqual({
      isError: true,
      text: '"logo.png" is a binary file (8 B); read opens text files only.',
    });
    expect((await read.run({ path: "latin1.txt" }, context)).isError).toBe(true);
  });

  it("names a missing file and suggests list; says a folder is a folder", async () => {
    const missing = await read.run({ path: "notes/nope.md" }, context);
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('File not found: "notes/nope.md". Use list');
    const folder = await read.run({ path: "notes" }, context);
    expect(folder).toEqual({
      isError: true,
      text: '"notes" is a folder, not a file; use list to see what it holds.',
    });
  });

  it("returns path escapes as errors instead of throwing", async () => {
    for (const path of ["../x", "/etc/passwd", "notes/../../x", "~/.ssh/id_rsa"]) {
      const result = await read.run({ path }, context);
      expect(result.isError, path).toBe(true);
      expect(result.text, path).toMatch(/leaves the workspace|is absolute/);
    }
  });

  it("says an empty file is empty", async () => {
    expect(await read.run({ path: "empty.md" }, context)).toEqual({ text: "(empty.md is empty)" });
  });
});
