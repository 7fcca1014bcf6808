// The suite every Workspace adapter must pass.
import { describe, expect, it } from "vitest";
import { useHarness } from "./contract-harness.ts";
import { type Workspace, WorkspacePathError } from "./workspace.ts";

export interface WorkspaceHarness {
  workspace: Workspace;
  cleanup(): Promise<void>;
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

export function workspaceContract(name: string, make: () => Promise<WorkspaceHarness>): void {
  describe(`Workspace contract: ${name}`, () => {
    const openHarness = useHarness(make);
    const open = async () => (await openHarness()).workspace;

    it("reads back what it wrote, text and bytes, creating folders", async () => {
      const ws = await open();
      await ws.write("SOUL.md", "# Soul\nBe kind.\n");
      await ws.write("memory/2026/11-22.md", "note ✓");
      await ws.write("bin/blob", new Uint8Array([0, 1, 2, 255]));
      expect(text(await ws.read("SOUL.md"))).toBe("# Soul\nBe kind.\n");
      expect(text(await ws.read("memory/2026/11-22.md"))).toBe("note ✓");
      expect([...((await ws.read("bin/blob")) ?? [])]).toEqual([0, 1, 2, 255]);
    });

    it("answers null for a missing file and overwrites an existing one", async () => {
      const ws = await open();
      expect(await ws.read("nope.md")).toBeNull();
      expect(await ws.stat("nope.md")).toBeNull();
      await ws.write("a.md", "one");
      await ws.write("a.md", "two");
      expect(text(await ws.read("a.md"))).toBe("two");
    });

    it("normalises harmless paths and refuses ones that leave the workspace", async () => {
      const ws = await open();
      await ws.write("./notes/../notes/x.md", "x");
      expect(text(await ws.read("notes/x.md"))).toBe("x");
      for (const bad of ["../secret", "/etc/passwd", "notes/../../x", "C:\\x"]) {
        await expect(ws.read(bad)).rejects.toBeInstanceOf(WorkspacePathError);
        await expect(ws.write(bad, "x")).rejects.toBeInstanceOf(WorkspacePathError);
      }
    });

    it("refuses to write below a file or over a folder, naming the path", async () => {
      const ws = await open();
      await ws.write("todo.md", "- milk");
      await ws.write("docs/a.md", "a");
      await expect(ws.write("todo.md/more.md", "x")).rejects.toThrow(
        /"todo\.md\/more\.md": a part of its folder path is a file/,
      );
      await expect(ws.write("docs", "x")).rejects.toThrow(/"docs": it is a folder/);
      expect(text(await ws.read("todo.md"))).toBe("- milk");
      expect((await ws.list("")).map((e) => [e.path, e.kind])).toEqual([
        ["docs", "dir"],
        ["todo.md", "file"],
      ]);
    });

    it("stats files and folders", async () => {
      const ws = await open();
      await ws.write("docs/readme.md", "12345");
      const file = await ws.stat("docs/readme.md");
      expect(file).toMatchObject({ path: "docs/readme.md", kind: "file", size: 5 });
      expect(file?.mtimeMs).toBeGreaterThan(0);
      expect(await ws.stat("docs")).toMatchObject({ path: "docs", kind: "dir" });
    });

    it("lists one level or recursively, sorted by path", async () => {
      const ws = await open();
      await ws.write("b.md", "b");
      await ws.write("a.md", "a");
      await ws.write("memory/one.md", "1");
      await ws.write("memory/deep/two.md", "2");
      const top = await ws.list("");
      expect(top.map((e) => [e.path, e.kind])).toEqual([
        ["a.md", "file"],
        ["b.md", "file"],
        ["memory", "dir"],
      ]);
      const all = await ws.list("memory", { recursive: true });
      expect(all.map((e) => e.path)).toEqual(["memory/deep", "memory/deep/two.md", "memory/one.md"]);
      expect(await ws.list("missing")).toEqual([]);
    });

    it("removes files, and removing a missing one is fine", async () => {
      const ws = await open();
      await ws.write("gone.md", "x");
      await ws.remove("gone.md");
      expect(await ws.read("gone.md")).toBeNull();
      await ws.remove("gone.md");
    });
  });
}
