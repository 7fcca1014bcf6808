// Downloading users' files against the fake Bot API (getFile + /file/bot<token>/...), and against a
// bare server for what the fake does not do: a body without content-length, a download that stalls.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../../test/fakes/telegram-bot-api.ts";
import { TINY_PNG } from "../../../test/fakes/telegram-files.ts";
import { type BotApi, createBotApi } from "./bot-api.ts";
import { downloadTelegramFile } from "./files.ts";

let fake: TelegramFake;
let api: BotApi;
let bare: Server | undefined;

beforeEach(async () => {
  fake = await startTelegramFake();
  api = createBotApi(fake.token, fake.url);
});
afterEach(async () => {
  await fake.close();
  bare?.closeAllConnections();
  await new Promise((resolve) => bare?.close(resolve) ?? resolve(undefined));
  bare = undefined;
});

const options = (
  fileId: string,
  extra: { maxBytes?: number; apiRoot?: string; timeoutMs?: number } = {},
) => ({
  token: fake.token,
  apiRoot: fake.url,
  fileId,
  maxBytes: 1024 * 1024,
  ...extra,
});

/** The error message a download rejects with, checked to be free of the token. */
async function failure(download: Promise<unknown>): Promise<string> {
  const error = (await download.then(
    () => new Error("resolved"),
    (e: unknown) => e as Error,
  )) as Error;
  expect(error.name).toBe("TelegramFileError");
  expect(error.message).not.toContain(fake.token);
  expect(error.message).not.toContain(fake.token.split(":")[1]);
  return error.message;
}

/** A server answering every request with `handler`; resolves its root URL. */
async function bareServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  bare = createServer(handler);
  await new Promise<void>((resolve) => bare!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
}

describe("downloadTelegramFile", () => {
  it("downloads a photo and a document with the bytes the fake holds", async () => {
    const photo = fake.message({ photo: true }).message!.photo!.at(-1)!;
    const image = await downloadTelegramFile(api, options(photo.file_id));
    expect(Buffer.from(image.bytes).equals(TINY_PNG)).toBe(true);
    expect(image.filePath).toMatch(/^photos\/.+\.jpg$/);

    const document = fake.message({ document: { fileName: "a.txt" } }).message!.document!;
    fake.setFile(document.file_id, Buffer.from("hello file"));
    const text = await downloadTelegramFile(api, options(document.file_id));
    expect(Buffer.from(text.bytes).toString()).toBe("hello file");
  });

  it("names Telegram's refusal and a size over the cap, before downloading", async () => {
    expect(await failure(downloadTelegramFile(api, options("nope")))).toBe(
      "Telegram refused the file (Bad Request: invalid file_id)",
    );
    fake.setFile("big", Buffer.alloc(2048));
    expect(await failure(downloadTelegramFile(api, options("big", { maxBytes: 1024 })))).toBe(
      "too big: 2 KB, the limit is 1 KB",
    );
  });

  it("enforces the cap while reading a body of unknown length", async () => {
    fake.setFile("unsized", Buffer.alloc(10), { fileSize: null });
    const root = await bareServer((_req, res) => {
      res.writeHead(200); // chunked: no content-length
      res.write(Buffer.alloc(800));
      res.end(Buffer.alloc(800));
    });
    expect(
      await failure(downloadTelegramFile(api, options("unsized", { apiRoot: root, maxBytes: 1000 }))),
    ).toMatch(/^too big: more than/);
  });

  it("reports an HTTP error and a stalled download without the URL", async () => {
    fake.setFile("file", Buffer.from("x"));
    const root = await bareServer((req, res) => {
      if (req.url?.includes("stall")) return; // never answers
      res.writeHead(404).end();
    });
    expect(await failure(downloadTelegramFile(api, options("file", { apiRoot: root })))).toBe(
      "the download failed with HTTP 404",
    );
    expect(
      await failure(downloadTelegramFile(api, options("file", { apiRoot: `${root}/stall`, timeoutMs: 200 }))),
    ).toBe("the download timed out after 0.2 s");
    expect(
      await failure(downloadTelegramFile(api, options("file", { apiRoot: "http://127.0.0.1:1" }))),
    ).toMatch(/^the download failed: /);
  });
});
