// The runtime session's disk copy of the S3 workspace: exec needs real files, and the copy keeps S3 the
// truth. Before a turn, objects changed in S3 since the last sync (by ETag) come down; after it, files
// changed or created on disk go up and files deleted on disk are deleted in S3 (only those the copy knew).
// What the copy knows is kept in a state file beside it, so a process restarted over the same folder
// (AgentCore's session storage survives a stop) downloads only what changed meanwhile. Every chat session
// has its own copy of the one workspace: when two change the same file, the last to save it wins.
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { z } from "zod";
import { isMissing } from "../adapters/s3/workspace.ts";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import { isAtomicTempName, writeFileAtomic } from "../util/atomic-write.ts";
import { ensurePrivateDir } from "../util/private-files.ts";

export interface WorkspaceCopyOptions {
  client: S3Client;
  bucket: string;
  /** The workspace's key prefix, e.g. "agents/main/workspace/"; a missing trailing "/" is added. */
  prefix: string;
  /** The folder the copy lives in (created when missing); exec and the file tools work there. */
  dir: string;
  /** The state file (JSON): what each copied file was in S3 and on disk at the last sync. */
  stateFile: string;
}

/** What one sync did, by workspace path: for the log and the tests. */
export interface SyncReport {
  downloaded: string[];
  uploaded: string[];
  /** pull: removed on disk (gone from S3); push: deleted in S3 (gone from disk). */
  removed: string[];
}

export interface WorkspaceCopy {
  readonly dir: string;
  /** Contract: brings down every object whose ETag changed since the last sync; removes files S3 no longer has. */
  pull(): Promise<SyncReport>;
  /** Contract: uploads files changed or created on disk since the last sync; deletes in S3 those removed on disk. */
  push(): Promise<SyncReport>;
}

/** A copied file: its object's ETag, and its size and mtime on disk right after the sync. */
const knownSchema = z.object({ etag: z.string(), size: z.number(), mtimeMs: z.number() });
type Known = z.infer<typeof knownSchema>;
const stateSchema = z.object({ version: z.literal(1), files: z.record(z.string(), knownSchema) });

export function createWorkspaceCopy(options: WorkspaceCopyOptions): WorkspaceCopy {
  const { client, bucket, dir } = options;
  const prefix =
    options.prefix === "" || options.prefix.endsWith("/") ? options.prefix : `${options.prefix}/`;
  let known: Map<string, Known> | undefined;

  async function state(): Promise<Map<string, Known>> {
    if (known) return known;
    ensurePrivateDir(dir);
    const text = await readFile(options.stateFile, "utf8").catch(() => undefined);
    const parsed = text === undefined ? undefined : stateSchema.safeParse(safeJson(text));
    // A state file that is missing or unreadable only costs a full download.
    known = new Map(parsed?.success ? Object.entries(parsed.data.files) : []);
    return known;
  }

  const save = async (files: Map<string, Known>) => {
    await mkdir(dirname(options.stateFile), { recursive: true });
    await writeFileAtomic(
      options.stateFile,
      JSON.stringify({ version: 1, files: Object.fromEntries(files) }),
    );
  };

  const onDisk = async (path: string) => {
    const info = await stat(join(dir, path));
    return { size: info.size, mtimeMs: info.mtimeMs };
  };

  return {
    dir,

    async pull() {
      const files = await state();
      const report: SyncReport = { downloaded: [], uploaded: [], removed: [] };
      const listed = await listObjects(client, bucket, prefix);
      for (const [path, etag] of listed) {
        if (files.get(path)?.etag === etag) continue;
        const object = await client
          .send(new GetObjectCommand({ Bucket: bucket, Key: prefix + path }))
          .catch((error: unknown) => {
            // Deleted between the listing and the read: nothing to copy.
            if (isMissing(error)) return undefined;
            throw error;
          });
        if (!object) continue;
        const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
        const target = join(dir, path);
        // A folder where the file goes (made on disk by a tool): S3's file wins, as S3 is the truth.
        if ((await stat(target).catch(() => undefined))?.isDirectory()) await rm(target, { recursive: true });
        await writeFileAtomic(target, bytes);
        files.set(path, { etag: object.ETag ?? etag, ...(await onDisk(path)) });
        report.downloaded.push(path);
      }
      for (const path of [...files.keys()]) {
        if (listed.has(path)) continue;
        await rm(join(dir, path), { force: true });
        files.delete(path);
        report.removed.push(path);
      }
      await save(files);
      return report;
    },

    async push() {
      const files = await state();
      const report: SyncReport = { downloaded: [], uploaded: [], removed: [] };
      const present = await listFiles(dir);
      for (const [path, info] of present) {
        const before = files.get(path);
        if (before && before.size === info.size && before.mtimeMs === info.mtimeMs) continue;
        const body = await readFile(join(dir, path));
        const put = await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: prefix + path, Body: body }),
        );
        // Without an ETag in the answer the next pull downloads the file once more: slower, still right.
        files.set(path, { etag: put.ETag ?? "", ...info });
        report.uploaded.push(path);
      }
      for (const path of [...files.keys()]) {
        if (present.has(path)) continue;
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + path }));
        files.delete(path);
        report.removed.push(path);
      }
      await save(files);
      return report;
    },
  };
}

/** Every object below the prefix as workspace path → ETag; keys that are no workspace path are skipped. */
async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const path = workspacePath(object.Key?.slice(prefix.length));
      if (path !== undefined) objects.set(path, object.ETag ?? "");
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** The key's workspace path, or undefined for a folder marker ("notes/") or a key no disk path can hold. */
function workspacePath(rest: string | undefined): string | undefined {
  if (!rest || rest.endsWith("/")) return undefined;
  try {
    const path = normalizeWorkspacePath(rest);
    return path === rest ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The regular files below `dir` (links and the atomic writer's temp files left out) with size and mtime. */
async function listFiles(dir: string): Promise<Map<string, { size: number; mtimeMs: number }>> {
  const files = new Map<string, { size: number; mtimeMs: number }>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    // A link may lead out of the copy (exec can make one): its target is not the workspace's to upload.
    if (!entry.isFile() || isAtomicTempName(entry.name)) continue;
    const full = join(entry.parentPath, entry.name);
    const path = full
      .slice(dir.length + 1)
      .split("\\")
      .join("/");
    const info = await stat(full).catch(() => undefined);
    if (info) files.set(path, { size: info.size, mtimeMs: info.mtimeMs });
  }
  return files;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
