// The agent's workspace as an S3 prefix: one object per file, keyed by prefix + normalized path.
// S3 has no folders: a folder exists while some key lies below it, and carries no size or time (0).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { fileInTheWay, folderInTheWay, normalizeWorkspacePath } from "../../core/workspace-path.ts";
import type { Workspace, WorkspaceEntry } from "../../ports/workspace.ts";

/** Options of createS3Workspace. */
export interface S3WorkspaceOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of this workspace, e.g. "agents/main/workspace/"; a missing trailing "/" is added. */
  prefix: string;
  /** Keys per ListObjectsV2 page (default: S3's 1000); small values let tests cross page boundaries. */
  pageSize?: number;
}

/** True for S3's "no such object" answers (GetObject: NoSuchKey; HeadObject: a bare 404 NotFound). */
export function isMissing(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // A missing bucket is a 404 too, but a misconfiguration, not a missing file.
  if (err.name === "NoSuchBucket") return false;
  return err.name === "NoSuchKey" || err.name === "NotFound" || status === 404;
}

interface Listed {
  key: string;
  size: number;
  mtimeMs: number;
  etag?: string;
}

const byPath = (a: WorkspaceEntry, b: WorkspaceEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const dirEntry = (path: string): WorkspaceEntry => ({ path, kind: "dir", size: 0, mtimeMs: 0 });

/** A Workspace over `s3://bucket/prefix`. */
export function createS3Workspace(options: S3WorkspaceOptions): Workspace {
  const { client, bucket } = options;
  const prefix =
    options.prefix === "" || options.prefix.endsWith("/") ? options.prefix : `${options.prefix}/`;
  const keyOf = (path: string) => prefix + path;
  /** Keys below a folder start with this ("" for the root of an unprefixed workspace). */
  const folderPrefix = (path: string) => (path === "" ? prefix : `${prefix}${path}/`);

  /** Pages through ListObjectsV2; `delimiter` "/" stops at one level. */
  async function listKeys(under: string, delimiter?: string, max?: number) {
    const files: Listed[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: under,
          Delimiter: delimiter,
          ContinuationToken: token,
          MaxKeys: max ?? options.pageSize,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        files.push({
          key: o.Key,
          size: o.Size ?? 0,
          mtimeMs: o.LastModified?.getTime() ?? 0,
          ...(o.ETag && { etag: o.ETag }),
        });
      }
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix);
      token = page.IsTruncated && max === undefined ? page.NextContinuationToken : undefined;
    } while (token);
    return { files, folders };
  }

  async function objectExists(key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  function requireFile(path: string, action: string): string {
    const normalized = normalizeWorkspacePath(path);
    if (normalized === "") throw new Error(`Cannot ${action} the workspace root; name a file inside it.`);
    return normalized;
  }

  return {
    location: `s3://${bucket}/${prefix}`,

    async read(path) {
      const normalized = normalizeWorkspacePath(path);
      if (normalized === "") return null;
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(normalized) }));
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async write(path, data) {
      const normalized = requireFile(path, "write");
      // S3 has no folders, so a key can shadow or be shadowed by a "folder": refuse both, as a disk does.
      const parts = normalized.split("/");
      for (let i = 1; i < parts.length; i++) {
        if (await objectExists(keyOf(parts.slice(0, i).join("/")))) throw fileInTheWay(normalized);
      }
      if ((await listKeys(folderPrefix(normalized), undefined, 1)).files.length > 0)
        throw folderInTheWay(normalized);
      const body = typeof data === "string" ? new TextEncoder().encode(data) : data;
      // A PutObject replaces the object whole: readers see the old or the new bytes, never a mix.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(normalized), Body: body }));
    },

    async stat(path) {
      const normalized = normalizeWorkspacePath(path);
      if (normalized !== "") {
        try {
          const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(normalized) }));
          const mtimeMs = head.LastModified?.getTime() ?? 0;
          const size = head.ContentLength ?? 0;
          return { path: normalized, kind: "file", size, mtimeMs, ...(head.ETag && { etag: head.ETag }) };
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
      }
      const { files, folders } = await listKeys(folderPrefix(normalized), "/", 1);
      return files.length + folders.length > 0 || normalized === "" ? dirEntry(normalized) : null;
    },

    async list(dir, opts) {
      const normalized = normalizeWorkspacePath(dir);
      const under = folderPrefix(normalized);
      const base = normalized === "" ? "" : `${normalized}/`;
      const entries = new Map<string, WorkspaceEntry>();
      const addDir = (path: string) => entries.set(path, dirEntry(path));
      if (opts?.recursive) {
        const { files } = await listKeys(under);
        for (const f of files) {
          const rel = f.key.slice(under.length);
          const parts = rel.split("/");
          // Every folder on the way down is an entry of its own; a key ending in "/" is a folder marker.
          for (let i = 1; i < parts.length; i++) addDir(base + parts.slice(0, i).join("/"));
          if (rel !== "" && !rel.endsWith("/"))
            entries.set(base + rel, { path: base + rel, kind: "file", ...sizeTime(f) });
        }
      } else {
        const { files, folders } = await listKeys(under, "/");
        for (const f of files) {
          const rel = f.key.slice(under.length);
          if (rel !== "") entries.set(base + rel, { path: base + rel, kind: "file", ...sizeTime(f) });
        }
        for (const p of folders) addDir(base + p.slice(under.length, -1));
      }
      return [...entries.values()].sort(byPath);
    },

    async remove(path) {
      const normalized = requireFile(path, "remove");
      // S3 answers a delete of a missing key with success, which is what the contract asks for.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(normalized) }));
    },
  };
}

const sizeTime = (f: Listed) => ({ size: f.size, mtimeMs: f.mtimeMs, ...(f.etag && { etag: f.etag }) });
