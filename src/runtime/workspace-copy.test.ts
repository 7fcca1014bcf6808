// The runtime's disk copy of the S3 workspace against fauxqs's S3: what each sync moves, by ETag and by
// size and mtime, and that a process restarted over the same folder downloads only what changed meanwhile.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshBucket, s3Client, startFauxqs } from "../../test/emulators/fauxqs.ts";
import { isMissing } from "../adapters/s3/workspace.ts";
import type { Emulator } from "../engines/aws/dev/emulators.ts";
import { createWorkspaceCopy, type WorkspaceCopy } from "./workspace-copy.ts";

const PREFIX = "agents/main/workspace/";

describe("createWorkspaceCopy", () => {
  let emulator: Emulator;
  let client: S3Client;
  let bucket: string;
  let folder: string;
  const open = (): WorkspaceCopy =>
    createWorkspaceCopy({
      client,
      bucket,
      prefix: "agents/main/workspace",
      dir: join(folder, "workspace"),
      stateFile: join(folder, "sync.json"),
    });
  const put = (path: string, body: string) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: PREFIX + path, Body: Buffer.from(body) }));
  const text = async (path: string) => {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: PREFIX + path }));
      return (await object.Body?.transformToString()) ?? "";
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };
  const disk = (path: string) => readFileSync(join(folder, "workspace", path), "utf8");

  beforeAll(async () => {
    emulator = await startFauxqs();
    client = s3Client(emulator.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });
  beforeEach(async () => {
    bucket = await freshBucket(client);
    folder = mkdtempSync(join(tmpdir(), "agent-claw-copy-"));
    return () => rmSync(folder, { recursive: true, force: true });
  });

  it("pulls every file once, then only those whose ETag changed, and removes what S3 no longer has", async () => {
    await put("SOUL.md", "be kind");
    await put("notes/a.md", "a");
    await put("notes/", ""); // a folder marker, as the S3 console makes
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "agents/main/other.md", Body: "x" }));
    const copy = open();
    expect((await copy.pull()).downloaded.sort()).toEqual(["SOUL.md", "notes/a.md"]);
    expect(disk("notes/a.md")).toBe("a");

    await put("notes/a.md", "a, changed");
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${PREFIX}SOUL.md` }));
    expect(await copy.pull()).toEqual({ downloaded: ["notes/a.md"], uploaded: [], removed: ["SOUL.md"] });
    expect(disk("notes/a.md")).toBe("a, changed");
    expect(await copy.pull()).toEqual({ downloaded: [], uploaded: [], removed: [] });
  });

  it("pushes files created or changed on disk, deletes in S3 those deleted on disk, and leaves links out", async () => {
    await put("keep.md", "keep");
    await put("gone.md", "gone");
    const copy = open();
    await copy.pull();
    expect(await copy.push()).toEqual({ downloaded: [], uploaded: [], removed: [] });

    const dir = join(folder, "workspace");
    await mkdir(join(dir, "out"), { recursive: true });
    writeFileSync(join(dir, "out/report.txt"), "made on disk");
    await rm(join(dir, "gone.md"));
    symlinkSync("/etc/hostname", join(dir, "host-link"));
    expect(await copy.push()).toEqual({ downloaded: [], uploaded: ["out/report.txt"], removed: ["gone.md"] });
    expect(await text("out/report.txt")).toBe("made on disk");
    expect(await text("gone.md")).toBeNull();
    expect(await text("host-link")).toBeNull();
    expect(await text("keep.md")).toBe("keep");
    // What it uploaded is not downloaded again: the ETag S3 answered with was kept.
    expect((await copy.pull()).downloaded).toEqual([]);
  });

  it("after a restart over the same folder, fetches only what changed meanwhile and uploads what was left on disk", async () => {
    await put("a.md", "a");
    await put("b.md", "b");
    await open().pull();
    await put("b.md", "b, changed while stopped");
    writeFileSync(join(folder, "workspace", "c.md"), "written before a crash");

    const restarted = open();
    expect(await restarted.pull()).toEqual({ downloaded: ["b.md"], uploaded: [], removed: [] });
    expect(await restarted.push()).toEqual({ downloaded: [], uploaded: ["c.md"], removed: [] });
    expect(await text("c.md")).toBe("written before a crash");
  });
});
