import { describe, expect, it } from "vitest";
import { WorkspacePathError } from "../ports/workspace.ts";
import { normalizeWorkspacePath } from "./workspace-path.ts";

describe("workspace paths", () => {
  it("normalises relative paths", () => {
    expect(normalizeWorkspacePath("notes/./a.md")).toBe("notes/a.md");
    expect(normalizeWorkspacePath("notes\\sub\\a.md")).toBe("notes/sub/a.md");
    expect(normalizeWorkspacePath("a/b/../c.md")).toBe("a/c.md");
    expect(normalizeWorkspacePath(".")).toBe("");
    expect(normalizeWorkspacePath("")).toBe("");
  });

  it.each(["../x", "a/../../x", "/etc/passwd", "~/secrets", "C:\\Windows", "a\0b"])("refuses %j", (path) => {
    expect(() => normalizeWorkspacePath(path)).toThrow(WorkspacePathError);
  });

  it("says what to do instead", () => {
    expect(() => normalizeWorkspacePath("/etc/passwd")).toThrow(/relative to the workspace/);
    expect(() => normalizeWorkspacePath("../x")).toThrow(/leaves the workspace/);
  });
});
