// The control protocol's frames (docs/gateway-protocol.md): what a client may send, what the gateway
// answers, and the one place a raw WebSocket message is judged before anything acts on it.
import { z } from "zod";

/** Protocol version announced by `connect`. */
export const PROTOCOL_VERSION = 1;

/** Frames above this are answered with `too_large` and not parsed. */
export const MAX_FRAME_BYTES = 256 * 1024;

/** Frames above this close the socket with 1009 (enforced by the WebSocket server's maxPayload). */
export const HARD_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Error codes a response may carry. */
export type ErrorCode =
  | "bad_frame"
  | "too_large"
  | "unauthorized"
  | "unknown_method"
  | "invalid_params"
  | "unavailable"
  | "internal";

/** A request that cannot be served; `message` is shown to people as it is. */
export class ControlError extends Error {
  override readonly name = "ControlError";
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** client → server. `params` defaults to {}. */
export interface RequestFrame {
  type: "req";
  id: string;
  method: string;
  params: unknown;
}

/** server → client: the answer to one request. `id` is null when the frame had no usable id. */
export type ResponseFrame =
  | { type: "res"; id: string | null; ok: true; payload: unknown }
  | { type: "res"; id: string | null; ok: false; error: { code: ErrorCode; message: string } };

/** server → client: something that happened; `seq` counts events on the connection from 1. */
export interface EventFrame {
  type: "event";
  event: string;
  payload: unknown;
  seq: number;
}

/** "id is missing" or "id must be a string", for a field of the frame itself. */
const frameField = (name: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${name} is missing` : `${name} must be ${expected}`;

const requestSchema = z.object({
  type: z.literal("req", { error: frameField("type", '"req"') }),
  id: z
    .string({ error: frameField("id", "a string") })
    .min(1, "id must not be empty")
    .max(200, "id must be at most 200 characters"),
  method: z
    .string({ error: frameField("method", "a string") })
    .min(1, "method must not be empty")
    .max(100, "method must be at most 100 characters"),
  params: z.unknown().optional(),
});

/** A frame that failed to parse, with the request id when one could be read. */
export interface FrameProblem {
  id: string | null;
  error: ControlError;
}

/** The request id of a frame too large to parse, when it is among the first top-level keys. */
function idFromPrefix(text: string): string | null {
  const match = /^\s*\{[^{}[\]]*?"id"\s*:\s*"((?:[^"\\]|\\.){1,200})"/.exec(text.slice(0, 1024));
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return null;
  }
}

/**
 * Judges one WebSocket message: a request frame, or the problem to answer with.
 * Contract: never throws; a binary message, bad JSON, or a frame over MAX_FRAME_BYTES is a problem.
 */
export function parseFrame(data: string | ArrayBufferLike | Blob): RequestFrame | FrameProblem {
  if (typeof data !== "string") {
    return {
      id: null,
      error: new ControlError("bad_frame", "Binary frames are not accepted: send each frame as JSON text."),
    };
  }
  const bytes = Buffer.byteLength(data, "utf8");
  if (bytes > MAX_FRAME_BYTES) {
    return {
      id: idFromPrefix(data),
      error: new ControlError(
        "too_large",
        `The frame has ${bytes} bytes; the limit is ${MAX_FRAME_BYTES} (256 KiB). Send less text at once.`,
      ),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    return {
      id: null,
      error: new ControlError("bad_frame", `The frame is not JSON: ${(error as Error).message}.`),
    };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    const what = Array.isArray(json) ? "an array" : json === null ? "null" : typeof json;
    return {
      id: null,
      error: new ControlError("bad_frame", `A frame must be a JSON object, not ${what}.`),
    };
  }
  const result = requestSchema.safeParse(json);
  if (!result.success) {
    const raw = (json as Record<string, unknown>)["id"];
    const id = typeof raw === "string" && raw.length > 0 && raw.length <= 200 ? raw : null;
    const problems = result.error.issues.map((issue) => issue.message).join("; ");
    return {
      id,
      error: new ControlError(
        "bad_frame",
        `Not a request frame: ${problems}. Expected {"type":"req","id":"<string>","method":"<name>","params":{...}}.`,
      ),
    };
  }
  return { ...result.data, params: result.data.params ?? {} };
}

/** Whether parseFrame found a problem. */
export function isProblem(frame: RequestFrame | FrameProblem): frame is FrameProblem {
  return "error" in frame;
}
