// The S3 workspace: the shared contract against fauxqs's S3 on loopback, plus S3-specific checks.
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../../test/emulators/dynalite.ts";
import { freshBucket, s3Client, startFauxqs } from "../../../test/emulators/fauxqs.ts";
import { workspaceContract } from "../../ports/workspace.contract.ts";
import { createS3Workspace } from "./workspace.ts";

let emulator: Emulator;
let client: S3Client;

beforeAll(async () => {
  emulator = await startFauxqs();
  client = s3Client(emulator.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

workspaceContract("s3", async () => {
  const bucket = await freshBucket(client);
  return {
    workspace: createS3Workspace({ client, bucket, prefix: "agents/main/" }),
    cleanup: async () => {},
  };
});

describe("S3 workspace", () => {
  it("keeps workspaces under neighbouring prefixes apart", async () => {
    const bucket = await freshBucket(client);
    const main = createS3Workspace({ client, bucket, prefix: "agents/main" });
    const other = createS3Workspace({ client, bucket, prefix: "agents/main2/" });
    await main.write("a.md", "main");
    await other.write("b.md", "other");
    expect(main.location).toBe(`s3://${bucket}/agents/main/`);
    expect((await main.list("", { recursive: true })).map((e) => e.path)).toEqual(["a.md"]);
    expect(await main.read("b.md")).toBeNull();
  });

  it("lists across ListObjectsV2 pages", async () => {
    const bucket = await freshBucket(client);
    const ws = createS3Workspace({ client, bucket, prefix: "p/", pageSize: 2 });
    const files = ["a.md", "b.md", "c.md", "d/1.md", "d/2.md", "e/f/3.md", "g.md"];
    for (const f of files) await ws.write(f, f);
    const top = await ws.list("");
    expect(top.map((e) => e.path)).toEqual(["a.md", "b.md", "c.md", "d", "e", "g.md"]);
    const all = await ws.list("", { recursive: true });
    expect(all.map((e) => e.path)).toEqual([
      "a.md",
      "b.md",
      "c.md",
      "d",
      "d/1.md",
      "d/2.md",
      "e",
      "e/f",
      "e/f/3.md",
      "g.md",
    ]);
    expect(all.find((e) => e.path === "d/2.md")).toMatchObject({ kind: "file", size: 6 });
  });

  it("treats folder marker objects (keys ending in /) as folders, not files", async () => {
    const bucket = await freshBucket(client);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "w/empty/", Body: new Uint8Array() }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "w/docs/", Body: new Uint8Array() }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "w/docs/x.md", Body: "x" }));
    const ws = createS3Workspace({ client, bucket, prefix: "w/" });
    expect(await ws.stat("empty")).toMatchObject({ path: "empty", kind: "dir" });
    expect((await ws.list("")).map((e) => [e.path, e.kind])).toEqual([
      ["docs", "dir"],
      ["empty", "dir"],
    ]);
    expect((await ws.list("docs", { recursive: true })).map((e) => e.path)).toEqual(["docs/x.md"]);
    expect(await ws.list("empty")).toEqual([]);
  });

  it("reports a missing bucket as an error, not as a missing file", async () => {
    const ws = createS3Workspace({ client, bucket: "no-such-bucket-here", prefix: "" });
    await expect(ws.read("a.md")).rejects.toMatchObject({ name: "NoSuchBucket" });
  });

  it("refuses to write or remove the root, and a removed file's folder disappears", async () => {
    const bucket = await freshBucket(client);
    const ws = createS3Workspace({ client, bucket, prefix: "" });
    await expect(ws.write(".", "x")).rejects.toThrow(/root/);
    await expect(ws.remove("")).rejects.toThrow(/root/);
    await ws.write("only/file.md", "x");
    expect(await ws.stat("only")).toMatchObject({ kind: "dir" });
    await ws.remove("only/file.md");
    expect(await ws.stat("only")).toBeNull();
    expect(await ws.stat("")).toMatchObject({ path: "", kind: "dir" });
  });
});
