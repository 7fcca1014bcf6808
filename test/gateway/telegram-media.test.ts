// Saving Telegram attachments before a turn: file names and day folders, a retried turn that finds its
// file already saved, another chat's file under the same name, and the note when nothing is downloaded.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsWorkspace } from "../../src/adapters/fs/workspace.ts";
import type { InboundMessage } from "../../src/core/messages.ts";
import type { TurnRequest } from "../../src/core/turn/run-turn.ts";
import {
  inboxPath,
  prepareTelegramTurn,
  safeFileName,
  type TelegramMediaDeps,
  withAttachmentNote,
} from "../../src/channels/telegram/telegram-media.ts";
import type { Workspace } from "../../src/ports/workspace.ts";

let root: string;
let workspace: Workspace;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-telegram-media-"));
  workspace = createFsWorkspace({ root });
});
afterEach(() => rm(root, { recursive: true, force: true }));

const AT = Date.UTC(2026, 11, 2, 23, 30); // 2026-12-02 23:30 UTC, already the 3rd in Berlin

const message = (fields: Partial<InboundMessage> = {}): InboundMessage => ({
  id: "500",
  channel: "telegram",
  account: "default",
  chat: { id: "1001", kind: "dm" },
  sender: { id: "1001" },
  text: "",
  at: AT,
  messageId: "42",
  attachments: [{ kind: "image", fileId: "photo-1" }],
  ...fields,
});

const request = (...messages: InboundMessage[]): TurnRequest => ({
  sessionKey: "s",
  messages,
  channel: { channel: "telegram", chatKind: "dm", description: "Telegram", interactive: false },
});

const deps = (files: Record<string, string>): TelegramMediaDeps => ({
  workspace,
  timeZone: "UTC",
  download: async (fileId) => {
    const text = files[fileId];
    if (text === undefined) throw new Error("Telegram refused the file (Bad Request: invalid file_id)");
    return { bytes: Buffer.from(text) };
  },
});

describe("telegram media", () => {
  it("names files safely, in the day folder of the user's time zone", () => {
    expect(safeFileName("Q3 report (final).pdf")).toBe("Q3_report_final_.pdf");
    expect(safeFileName("../../etc/passwd")).toBe("etc_passwd");
    expect(safeFileName("...")).toBe("file");
    const doc = { kind: "document" as const, fileId: "d", name: "notes.md" };
    expect(inboxPath(message(), doc, "UTC")).toBe("inbox/telegram/2026-12-02/42-notes.md");
    expect(inboxPath(message(), doc, "Europe/Berlin")).toBe("inbox/telegram/2026-12-03/42-notes.md");
    expect(inboxPath(message(), { kind: "audio", fileId: "v" }, "UTC")).toMatch(/42-voice\.ogg$/);
  });

  it("saves files, keeps a retried turn's file, and does not overwrite another chat's", async () => {
    const first = await prepareTelegramTurn(request(message({ text: "look" })), deps({ "photo-1": "one" }));
    const saved = first.messages[0]!;
    expect(saved.attachments?.[0]?.path).toBe("inbox/telegram/2026-12-02/42-photo.jpg");
    expect(saved.text).toBe(
      "look\n\n[The user sent a photo, saved as inbox/telegram/2026-12-02/42-photo.jpg. " +
        "Open text files with your read tool if it helps. You cannot see images.]",
    );
    const retried = await prepareTelegramTurn(request(message()), deps({ "photo-1": "one" }));
    expect(retried.messages[0]?.attachments?.[0]?.path).toBe("inbox/telegram/2026-12-02/42-photo.jpg");

    const other = message({
      chat: { id: "-100", kind: "group" },
      attachments: [{ kind: "image", fileId: "p2" }],
    });
    const elsewhere = await prepareTelegramTurn(request(other), deps({ p2: "two" }));
    expect(elsewhere.messages[0]?.attachments?.[0]?.path).toBe("inbox/telegram/2026-12-02/42-photo-2.jpg");
    expect(Buffer.from((await workspace.read("inbox/telegram/2026-12-02/42-photo.jpg"))!).toString()).toBe(
      "one",
    );
  });

  it("names a failed download in the note and leaves messages without files alone", async () => {
    const plain = message({ id: "501", text: "hi", attachments: undefined });
    const prepared = await prepareTelegramTurn(request(message(), plain), deps({}));
    expect(prepared.messages[0]?.text).toBe(
      "[The user sent a photo, which could not be downloaded: Telegram refused the file (Bad Request: invalid file_id).]",
    );
    expect(prepared.messages[0]?.attachments?.[0]).not.toHaveProperty("path");
    expect(prepared.messages[1]).toBe(plain);
    expect(withAttachmentNote(message({ text: "see" })).text).toBe(
      "see\n\n[The user also sent a photo, which you cannot open yet; say so if it matters.]",
    );
  });
});
