// writeFileAtomic: replaces whole files, honours mode for secrets, and cleans up after a failure.
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAtomicTempName, writeFileAtomic } from "./atomic-write.ts";

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-atomic-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("creates and replaces a file, leaving only the target", async () => {
    const path = join(dir, "config.json");
    await writeFileAtomic(path, '{"a":1}');
    await writeFileAtomic(path, new TextEncoder().encode('{"a":2}'));
    expect(await readFile(path, "utf8")).toBe('{"a":2}');
    expect(await readdir(dir)).toEqual(["config.json"]);
  });

  it("gives a new file the requested mode", async () => {
    const path = join(dir, "secret.json");
    await writeFileAtomic(path, "{}", { mode: 0o600 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("removes its temp file when the rename fails", async () => {
    const path = join(dir, "taken");
    await mkdir(join(path, "child"), { recursive: true });
    await expect(writeFileAtomic(path, "x")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["taken"]);
  });

  it("recognises its own temp names only", () => {
    expect(isAtomicTempName(".SOUL.md.0123456789ab.tmp")).toBe(true);
    expect(isAtomicTempName("SOUL.md")).toBe(false);
    expect(isAtomicTempName(".notes.tmp")).toBe(false);
  });
});
