// The Bot API wire format for the fake: reading parameters the ways Telegram accepts them (query
// string, JSON, form-urlencoded, multipart/form-data as grammY uploads files) and writing the
// `{ ok, result }` / `{ ok: false, error_code, description, parameters }` envelope.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResponseParameters } from "grammy/types";

/** Telegram's response envelope; an error's HTTP status equals its error_code. */
export type ApiReply =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

/** One API call as a method handler sees it. */
export interface Call {
  params: Record<string, unknown>;
  files: UploadedFile[];
  /** True once the client has closed the connection (an aborted long poll). */
  aborted(): boolean;
  onAbort(listener: () => void): void;
}

/** Runs one Bot API method. */
export type MethodHandler = (call: Call) => ApiReply | Promise<ApiReply>;

/** A successful answer; setWebhook and deleteWebhook also carry a description. */
export const ok = (result: unknown, description?: string): ApiReply => ({
  ok: true,
  result,
  ...(description !== undefined && { description }),
});

/** An error answer in Telegram's shape. */
export const fail = (error_code: number, description: string, parameters?: ResponseParameters): ApiReply => ({
  ok: false,
  error_code,
  description,
  ...(parameters !== undefined && { parameters }),
});

/** A 400 with Telegram's "Bad Request: " prefix. */
export const bad = (what: string): ApiReply => fail(400, `Bad Request: ${what}`);

/** Tells an ApiReply from a result object (a Chat or Message has no `ok` key). */
export const isReply = (value: object): value is ApiReply => "ok" in value;

/** A parameter that must be a number (form values are already coerced). */
export const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** A parameter read as an object, `{}` when absent. */
export const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

/** Writes the envelope unless the client has gone (an aborted long poll). */
export function writeReply(res: ServerResponse, body: ApiReply): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(body.ok ? 200 : body.error_code, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** One file part of a multipart upload. */
export interface UploadedFile {
  /** The parameter the file fills: `photo` for `photo=attach://<part>` or a part named `photo`. */
  field: string;
  /** The multipart part name (grammY uses a random id and refers to it with `attach://`). */
  part: string;
  filename: string;
  contentType: string | undefined;
  size: number;
}

/** The decoded parameters and uploaded files of one request. */
export interface RequestParams {
  params: Record<string, unknown>;
  files: UploadedFile[];
}

/** Free-text fields keep a value such as "123" or "true" as a string. */
const TEXT_FIELDS = new Set([
  "text",
  "caption",
  "url",
  "secret_token",
  "description",
  "short_description",
  "title",
  "name",
  "query",
  "custom_emoji_id",
]);

/** Reads query and body; resolves `{ error }` with Telegram's description when the body is unreadable. */
export async function readParams(req: IncomingMessage): Promise<RequestParams | { error: string }> {
  const params: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  const query = new URL(req.url ?? "/", "http://fake").searchParams;
  for (const [key, value] of query) params[key] = coerce(key, value);

  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (body.length === 0) return { params, files };

  if (type.startsWith("application/json")) {
    try {
      const value: unknown = JSON.parse(body.toString("utf8"));
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw new Error("not an object");
      Object.assign(params, value);
    } catch {
      return { error: "Bad Request: can't parse JSON object" };
    }
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) params[key] = coerce(key, value);
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
    if (boundary === null) return { error: "Bad Request: multipart boundary is missing" };
    for (const part of splitMultipart(body, boundary[1] ?? boundary[2]!)) {
      if (part.filename === undefined) params[part.name] = coerce(part.name, part.content.toString("utf8"));
      else
        files.push({
          field: part.name,
          part: part.name,
          filename: part.filename,
          contentType: part.contentType,
          size: part.content.length,
        });
    }
    // grammY sends `photo: "attach://<id>"` plus a part named <id>: point each file at its parameter.
    for (const file of files) {
      const owner = Object.entries(params).find(([, value]) => value === `attach://${file.part}`);
      if (owner !== undefined) file.field = owner[0];
    }
  }
  return { params, files };
}

/** A number, boolean, array or object where Telegram would read one; other strings stay strings. */
function coerce(key: string, value: string): unknown {
  if (value.startsWith("[") || value.startsWith("{")) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (TEXT_FIELDS.has(key)) return value;
  if (value === "true" || value === "false") return value === "true";
  return /^-?\d{1,15}$/.test(value) ? Number(value) : value;
}

interface Part {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  content: Buffer;
}

/** Splits a multipart body; accepts grammY's unquoted `filename=photo.jpg` and header spacing. */
function splitMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break; // the closing delimiter
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const raw = body.subarray(start + 2, next - 2); // drop the CRLF after and before the delimiters
    const headerEnd = raw.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const head = raw.subarray(0, headerEnd).toString("utf8");
      const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? "";
      const filename = /\bfilename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(disposition);
      parts.push({
        name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? "",
        filename: filename === null ? undefined : (filename[1] ?? filename[2]!.trim()),
        contentType: /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim(),
        content: raw.subarray(headerEnd + 4),
      });
    }
    position = next;
  }
  return parts;
}
