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

  it("makes a new file 0600 and a new folder 0700 under umask 022, and keeps an existing file's mode", async () => {
    const umask = process.umask(0o022);
    try {
      const path = join(dir, "new", "route.json");
      await writeFileAtomic(path, "{}");
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, "new"))).mode & 0o777).toBe(0o700);
      const script = join(dir, "run.sh");
      await writeFileAtomic(script, "#!/bin/sh\n", { mode: 0o755 });
      await writeFileAtomic(script, "#!/bin/sh\necho hi\n");
      expect((await stat(script)).mode & 0o777).toBe(0o755);
      await writeFileAtomic(script, "{}", { mode: 0o600 });
      expect((await stat(script)).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(umask);
    }
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
