// Files users send on Telegram, made reachable for the model: before a turn runs, each attachment is
// saved in the workspace under inbox/telegram/<date>/ and the message gets a note naming the paths
// (or why a file could not be had). Downloading here, not at intake, keeps webhooks answered fast.
import type { InboundAttachment, InboundMessage } from "../../core/messages.ts";
import type { TurnRequest } from "../../core/turn/run-turn.ts";
import type { Workspace } from "../../ports/workspace.ts";
import { wallTime } from "../../core/cron/zoned-time.ts";

/** Telegram lets bots download files up to 20 MB. */
export const MAX_TELEGRAM_FILE_BYTES = 20 * 1024 * 1024;

export interface TelegramMediaDeps {
  workspace: Workspace;
  /** Contract: resolves the whole file or rejects with a short reason fit for the model (no token). */
  download: (fileId: string, maxBytes: number) => Promise<{ bytes: Uint8Array }>;
  /** Names the day folder, in the user's time zone. */
  timeZone: string;
  /** The model is shown the images (agent.imageInput): the note then says they are attached. */
  seesImages?: boolean;
  /** Contract: must not throw. */
  log?: (level: "warn", message: string) => void;
}

const KIND_NAMES = { image: "a photo", document: "a document", audio: "a voice note" } as const;
const DEFAULT_NAMES = { image: "photo.jpg", document: "document", audio: "voice.ogg" } as const;

/**
 * Files are not downloaded (the channel is not running): the model is told what came with the
 * message, so that it does not answer as if it had seen them (and a photo without a caption is
 * not an empty message).
 */
export function withAttachmentNote(message: InboundMessage): InboundMessage {
  const files = message.attachments ?? [];
  if (files.length === 0) return message;
  const listed = files.map((f) => (f.name ? `${KIND_NAMES[f.kind]} ("${f.name}")` : KIND_NAMES[f.kind]));
  return withNote(
    message,
    `[The user also sent ${listed.join(", ")}, which you cannot open yet; say so if it matters.]`,
  );
}

/** Letters, digits, dot, dash and underscore; no leading dot, so no hidden file and no "..". */
export function safeFileName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(-100);
  return safe === "" ? "file" : safe;
}

/** `inbox/telegram/<YYYY-MM-DD>/<messageId>-<safe name>`, the day taken in `timeZone`. */
export function inboxPath(message: InboundMessage, file: InboundAttachment, timeZone: string): string {
  const { year, month, day } = wallTime(message.at, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  const name = safeFileName(file.name ?? DEFAULT_NAMES[file.kind]);
  return `inbox/telegram/${year}-${two(month)}-${two(day)}/${message.messageId ?? message.id}-${name}`;
}

/**
 * Contract: never rejects. Downloads every attachment of the request's messages into the workspace,
 * sets each saved one's `path`, and notes in each message's text where its files are or why not.
 */
export async function prepareTelegramTurn(
  request: TurnRequest,
  deps: TelegramMediaDeps,
): Promise<TurnRequest> {
  if (!request.messages.some((m) => m.attachments?.length)) return request;
  const messages: InboundMessage[] = [];
  for (const message of request.messages) messages.push(await saveAttachments(message, deps));
  return { ...request, messages };
}

async function saveAttachments(message: InboundMessage, deps: TelegramMediaDeps): Promise<InboundMessage> {
  const files = message.attachments ?? [];
  if (files.length === 0) return message;
  const attachments: InboundAttachment[] = [];
  const described: string[] = [];
  for (const file of files) {
    const what = file.name ? `${KIND_NAMES[file.kind]} "${file.name}"` : KIND_NAMES[file.kind];
    try {
      const { bytes } = await deps.download(file.fileId, MAX_TELEGRAM_FILE_BYTES);
      const path = await saveOnce(deps.workspace, inboxPath(message, file, deps.timeZone), bytes);
      attachments.push({ ...file, path });
      described.push(`${what}, saved as ${path}`);
    } catch (error) {
      const reason = (error as Error).message;
      deps.log?.("warn", `telegram: a file of message ${message.id} could not be saved: ${reason}`);
      attachments.push(file);
      described.push(`${what}, which could not be downloaded: ${reason}`);
    }
  }
  const saved = attachments.filter((f) => f.path);
  const hints = [
    saved.length > 0 && "Open text files with your read tool if it helps.",
    saved.some((f) => f.kind === "image") &&
      (deps.seesImages ? "The images are attached to this message." : "You cannot see images."),
    saved.some((f) => f.kind === "audio") && "You cannot listen to audio yet.",
  ].filter(Boolean);
  const note = `[The user sent ${described.join("; ")}.${hints.length ? ` ${hints.join(" ")}` : ""}]`;
  return { ...withNote(message, note), attachments };
}

/**
 * Writes `bytes` at `path`, or beside it ("42-photo-2.jpg") when another file holds that name (the
 * same message id in another chat); the same bytes already there (a retried turn) are kept as they are.
 */
async function saveOnce(workspace: Workspace, path: string, bytes: Uint8Array): Promise<string> {
  const dot = path.lastIndexOf(".");
  const hasExt = dot > path.lastIndexOf("/") + 1;
  for (let n = 1; n <= 20; n++) {
    const candidate =
      n === 1 ? path : hasExt ? `${path.slice(0, dot)}-${n}${path.slice(dot)}` : `${path}-${n}`;
    const existing = await workspace.read(candidate);
    if (existing === null) {
      await workspace.write(candidate, bytes);
      return candidate;
    }
    if (Buffer.from(existing).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)))
      return candidate;
  }
  throw new Error(`too many files named like ${path}`);
}

function withNote(message: InboundMessage, note: string): InboundMessage {
  return { ...message, text: message.text ? `${message.text}\n\n${note}` : note };
}
