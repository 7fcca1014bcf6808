// The fake Bot API's files: bytes per file_id (registered by the update builders or set by tests),
// the getFile method with Telegram's errors, and the `GET /file/bot<token>/<file_path>` download.
import type { ServerResponse } from "node:http";
import { type ApiReply, bad, type MethodHandler, ok } from "./telegram-wire.ts";

/** Telegram's download limit for bots on the public Bot API: getFile refuses larger files. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** A 1x1 PNG: any valid image will do for a photo (Telegram's own would be a JPEG). */
export const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** How getFile describes a file: `fileSize` overrides the reported size (null leaves it out). */
export interface FileOptions {
  fileSize?: number | null;
}

interface StoredFile {
  uniqueId: string;
  path: string;
  bytes: Uint8Array;
  fileSize: number | null | undefined;
}

/** The folder Telegram puts each kind in, and the extension it gives the file path. */
const FOLDERS: Record<string, [string, string]> = {
  photo: ["photos", "jpg"],
  document: ["documents", ""],
  voice: ["voice", "oga"],
};

/** The file memory of one fake. */
export interface FileStore {
  /** Registers a file a builder attached; the file path follows Telegram's `photos/file_3.jpg` shape. */
  register(
    kind: string,
    ids: { file_id: string; file_unique_id: string },
    bytes: Uint8Array,
    name?: string,
  ): void;
  /** Sets (or creates) a file's bytes, as tests do for specific content. */
  set(fileId: string, bytes: Uint8Array, options?: FileOptions): void;
  getFile: MethodHandler;
  /** Answers a download: the bytes, or 404 for an unknown path. */
  serve(res: ServerResponse, filePath: string): void;
}

export function createFileStore(): FileStore {
  const files = new Map<string, StoredFile>();
  let counter = 0;
  const pathFor = (kind: string, name?: string) => {
    const [folder, ext] = FOLDERS[kind] ?? ["documents", ""];
    const extension = ext || /\.([A-Za-z0-9]{1,8})$/.exec(name ?? "")?.[1] || "bin";
    return `${folder}/file_${counter++}.${extension}`;
  };

  return {
    register(kind, ids, bytes, name) {
      files.set(ids.file_id, {
        uniqueId: ids.file_unique_id,
        path: pathFor(kind, name),
        bytes,
        fileSize: undefined,
      });
    },
    set(fileId, bytes, options = {}) {
      const known = files.get(fileId);
      files.set(fileId, {
        uniqueId: known?.uniqueId ?? `AQAD${Buffer.from(fileId).toString("base64url").slice(0, 12)}`,
        path: known?.path ?? pathFor("document"),
        bytes,
        fileSize: options.fileSize,
      });
    },
    getFile({ params }): ApiReply {
      const file = files.get(String(params["file_id"] ?? ""));
      if (file === undefined) return bad("invalid file_id");
      const size = file.fileSize === undefined ? file.bytes.length : file.fileSize;
      if (Math.max(size ?? 0, file.bytes.length) > TELEGRAM_DOWNLOAD_LIMIT) return bad("file is too big");
      return ok({
        file_id: String(params["file_id"]),
        file_unique_id: file.uniqueId,
        ...(size !== null && { file_size: size }),
        file_path: file.path,
      });
    },
    serve(res, filePath) {
      const file = [...files.values()].find((f) => f.path === filePath);
      if (file === undefined) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
        return;
      }
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(file.bytes.length),
      });
      res.end(file.bytes);
    },
  };
}
