// Folder workspace: the contract, plus symlinks (refused when they lead out, followed when they
// stay in) and atomic writes that leave no temp files behind.
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { workspaceContract } from "../../ports/workspace.contract.ts";
import { type Workspace, WorkspacePathError } from "../../ports/workspace.ts";
import { createFsWorkspace } from "./workspace.ts";

workspaceContract("fs", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-ws-"));
  return {
    workspace: createFsWorkspace({ root: join(dir, "workspace") }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

describe("fs workspace and symlinks", () => {
  let dir: string;
  let root: string;
  let outside: string;
  let ws: Workspace;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-ws-"));
    root = join(dir, "workspace");
    outside = join(dir, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "secret.txt"), "top secret");
    ws = createFsWorkspace({ root });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("refuses to read or write through links that leave the workspace (file, folder, dangling)", async () => {
    await symlink(join(outside, "secret.txt"), join(root, "file-link"));
    await symlink(outside, join(root, "dir-link"));
    await symlink(join(outside, "not-yet.txt"), join(root, "dangling"));
    await mkdir(join(root, "notes"));
    await symlink("../../outside", join(root, "notes", "relative-link"));
    for (const path of [
      "file-link",
      "dir-link/secret.txt",
      "dir-link/new.txt",
      "dangling",
      "notes/relative-link/x",
    ]) {
      await expect(ws.read(path)).rejects.toBeInstanceOf(WorkspacePathError);
      await expect(ws.write(path, "pwned")).rejects.toBeInstanceOf(WorkspacePathError);
      await expect(ws.stat(path)).rejects.toBeInstanceOf(WorkspacePathError);
    }
    await expect(ws.list("dir-link")).rejects.toBeInstanceOf(WorkspacePathError);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
    expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
    // Listing the root does not show the links that lead out.
    expect((await ws.list("", { recursive: true })).map((e) => e.path)).toEqual(["notes"]);
  });

  it("follows links that stay inside, and writing through one keeps the link", async () => {
    await ws.write("real/soul.md", "v1");
    await symlink(join(root, "real", "soul.md"), join(root, "SOUL.md"));
    await symlink("real", join(root, "alias"));
    expect(text(await ws.read("SOUL.md"))).toBe("v1");
    expect(text(await ws.read("alias/soul.md"))).toBe("v1");
    await ws.write("SOUL.md", "v2");
    await ws.write("alias/new.md", "n");
    expect(await readlink(join(root, "SOUL.md"))).toBe(join(root, "real", "soul.md"));
    expect(text(await ws.read("real/soul.md"))).toBe("v2");
    expect(text(await ws.read("real/new.md"))).toBe("n");
    expect(await ws.stat("alias")).toMatchObject({ path: "alias", kind: "dir" });
    // Linked folders are listed but not descended into, so a link cycle cannot loop.
    await symlink(".", join(root, "real", "loop"));
    expect((await ws.list("", { recursive: true })).map((e) => e.path)).toEqual([
      "SOUL.md",
      "alias",
      "real",
      "real/loop",
      "real/new.md",
      "real/soul.md",
    ]);
  });

  it("remove deletes a link itself, never what it points at", async () => {
    await symlink(join(outside, "secret.txt"), join(root, "file-link"));
    await ws.remove("file-link");
    expect(await readdir(root)).toEqual([]);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
    await symlink(outside, join(root, "dir-link"));
    await expect(ws.remove("dir-link/secret.txt")).rejects.toBeInstanceOf(WorkspacePathError);
  });

  it("refuses a link loop, and creates deeply nested new folders", async () => {
    await symlink("loop-b", join(root, "loop-a"));
    await symlink("loop-a", join(root, "loop-b"));
    await expect(ws.read("loop-a")).rejects.toBeInstanceOf(WorkspacePathError);
    await expect(ws.write("loop-a", "x")).rejects.toBeInstanceOf(WorkspacePathError);
    const deep = `${Array.from({ length: 60 }, (_, i) => `d${i}`).join("/")}/note.md`;
    await ws.write(deep, "deep");
    expect(text(await ws.read(deep))).toBe("deep");
  });

  it("writes atomically: no temp files left, and a root that is itself a link works", async () => {
    await ws.write("memory/a.md", "a");
    await ws.write("memory/a.md", "b");
    expect(await readdir(join(root, "memory"))).toEqual(["a.md"]);
    await symlink(root, join(dir, "root-link"));
    const viaLink = createFsWorkspace({ root: join(dir, "root-link") });
    expect(text(await viaLink.read("memory/a.md"))).toBe("b");
    await writeFile(join(root, "memory", ".a.md.0123456789ab.tmp"), "crash leftover");
    expect((await viaLink.list("memory")).map((e) => e.path)).toEqual(["memory/a.md"]);
  });
});
