// Exact-text edits: one occurrence changes, zero or several are explained, replace_all opts in.
import { describe, expect, it } from "vitest";
import { createEditTool } from "./edit.ts";
import { createMemoryWorkspace } from "./testing/memory-workspace.ts";
import { toolContext } from "./testing/tool-context.ts";

const text = async (ws: ReturnType<typeof createMemoryWorkspace>, path: string) =>
  new TextDecoder().decode((await ws.read(path))!);

describe("edit", () => {
  const edit = createEditTool();
  const setup = (files: Record<string, string | Uint8Array>) => {
    const workspace = createMemoryWorkspace(files);
    return { workspace, context: toolContext({ workspace }) };
  };

  it("replaces a text that occurs once and reports where", async () => {
    const { workspace, context } = setup({ "todo.md": "# Todo\n- buy milk\n- call mum\n" });
    const result = await edit.run(
      { path: "todo.md", old_text: "- call mum", new_text: "- call mum\n- water plants" },
      context,
    );
    expect(result).toEqual({ text: "Edited todo.md: replaced 1 occurrence at line 3 (1 line → 2 lines)." });
    expect(await text(workspace, "todo.md")).toBe("# Todo\n- buy milk\n- call mum\n- water plants\n");
  });

  it("refuses 0 occurrences, asking to copy the text exactly", async () => {
    const { workspace, context } = setup({ "todo.md": "- buy milk\n" });
    const result = await edit.run({ path: "todo.md", old_text: "- buy bread", new_text: "x" }, context);
    expect(result.isError).toBe(true);
    expect(result.text).toContain("old_text was not found in todo.md (0 occurrences)");
    expect(result.text).toContain("read the file again");
    const spaced = await edit.run({ path: "todo.md", old_text: "  - buy milk", new_text: "x" }, context);
    expect(spaced.text).toContain("without its leading/trailing whitespace exists");
    expect(await text(workspace, "todo.md")).toBe("- buy milk\n");
  });

  it("refuses 2 occurrences with their lines, unless replace_all", async () => {
    const { workspace, context } = setup({ "a.md": "x = 1\ny = 2\nx = 1\n" });
    const result = await edit.run({ path: "a.md", old_text: "x = 1", new_text: "x = 3" }, context);
    expect(result).toEqual({
      isError: true,
      text:
        "old_text occurs 2 times in a.md (at lines 1, 3). Include more surrounding text so it matches exactly " +
        "once, or set replace_all to true to replace every occurrence.",
    });
    expect(await text(workspace, "a.md")).toBe("x = 1\ny = 2\nx = 1\n");
    const all = await edit.run(
      { path: "a.md", old_text: "x = 1", new_text: "x = 3", replace_all: true },
      context,
    );
    expect(all.text).toBe("Edited a.md: replaced 2 occurrences at lines 1, 3 (each 1 line → 1 line).");
    expect(await text(workspace, "a.md")).toBe("x = 3\ny = 2\nx = 3\n");
  });

  it("keeps $ patterns literal and matches CRLF files written with \\n", async () => {
    const { workspace, context } = setup({ "w.txt": "a\r\nb\r\nc\r\n" });
    const result = await edit.run({ path: "w.txt", old_text: "a\nb", new_text: "$& $1\nB" }, context);
    expect(result.isError).toBeUndefined();
    expect(await text(workspace, "w.txt")).toBe("$& $1\r\nB\r\nc\r\n");
  });

  it("reports missing files, binary files, no-op edits and escapes as errors", async () => {
    const { context } = setup({ bin: new Uint8Array([0, 1, 2]), "a.md": "a" });
    expect((await edit.run({ path: "nope.md", old_text: "a", new_text: "b" }, context)).text).toContain(
      'File not found: "nope.md"',
    );
    expect((await edit.run({ path: "bin", old_text: "a", new_text: "b" }, context)).text).toContain("binary");
    expect((await edit.run({ path: "a.md", old_text: "a", new_text: "a" }, context)).text).toContain(
      "the same",
    );
    const outside = await edit.run({ path: "../a.md", old_text: "a", new_text: "b" }, context);
    expect(outside.isError).toBe(true);
    expect(outside.text).toContain("leaves the workspace");
  });

  it("rejects an empty old_text in its schema", () => {
    expect(edit.input.safeParse({ path: "a.md", old_text: "", new_text: "b" }).success).toBe(false);
  });
});
