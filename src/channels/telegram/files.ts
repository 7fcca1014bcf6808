// Downloads a file a user sent the bot: getFile for its path, then the bytes from
// `<apiRoot>/file/bot<token>/<file_path>`, with a timeout and a size cap enforced while reading.
// The download URL holds the bot token, so it never appears in an error message.
import type { BotApi } from "./bot-api.ts";

/** Why a file could not be had; the message is short and fit to show a model or a person. */
export class TelegramFileError extends Error {
  override readonly name = "TelegramFileError";
}

export interface DownloadOptions {
  token: string;
  /** The Bot API root, no trailing slash. */
  apiRoot: string;
  fileId: string;
  /** Larger files are refused, before the download when Telegram reports the size. */
  maxBytes: number;
  /** For the byte download (getFile has grammY's own timeout); default 60 s. */
  timeoutMs?: number;
  /** Cancels the byte download (the channel stopping). */
  signal?: AbortSignal;
}

export interface DownloadedFile {
  bytes: Uint8Array;
  /** Telegram's path of the file ("photos/file_3.jpg"), which also tells its extension. */
  filePath: string;
}

const megabytes = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Contract: resolves the whole file or rejects with a TelegramFileError whose message is a short reason fit to
 * show a model or a person ("too big: 25.0 MB, the limit is 20.0 MB"); it never contains the token.
 */
export async function downloadTelegramFile(api: BotApi, options: DownloadOptions): Promise<DownloadedFile> {
  const { token, apiRoot, fileId, maxBytes } = options;
  const scrub = (text: string) => (token ? text.replaceAll(token, "<token>") : text);
  const tooBig = (size: number) =>
    new TelegramFileError(`too big: ${megabytes(size)}, the limit is ${megabytes(maxBytes)}`);

  let file: Awaited<ReturnType<BotApi["getFile"]>>;
  try {
    file = await api.getFile(fileId);
  } catch (error) {
    // A GrammyError carries Telegram's own description ("Bad Request: file is too big").
    const reason = (error as { description?: string }).description ?? (error as Error).message;
    throw new TelegramFileError(scrub(`Telegram refused the file (${reason})`));
  }
  if (!file.file_path) throw new TelegramFileError("Telegram gave no path to download the file from");
  if (file.file_size !== undefined && file.file_size > maxBytes) throw tooBig(file.file_size);

  const timeoutMs = options.timeoutMs ?? 60_000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  try {
    const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, {
      signal: AbortSignal.any(signals),
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new TelegramFileError(`the download failed with HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? NaN);
    if (declared > maxBytes) {
      await response.body.cancel();
      throw tooBig(declared);
    }
    // Read chunk by chunk: a missing or lying content-length must not let a file fill the memory.
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new TelegramFileError(`too big: more than ${megabytes(maxBytes)}`);
      }
      chunks.push(value);
    }
    return { bytes: new Uint8Array(Buffer.concat(chunks, total)), filePath: file.file_path };
  } catch (error) {
    if (error instanceof TelegramFileError) throw error;
    const { name, message } = error as Error;
    if (name === "TimeoutError")
      throw new TelegramFileError(`the download timed out after ${timeoutMs / 1000} s`);
    if (name === "AbortError") throw new TelegramFileError("the download was cancelled");
    // Node's fetch says "fetch failed" and keeps the reason in `cause`; scrubbed all the same.
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new TelegramFileError(scrub(`the download failed: ${cause ?? message}`));
  }
}
