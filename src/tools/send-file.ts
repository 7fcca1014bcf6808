// The send_file tool: the agent sends a workspace file to the person it is talking with, as a photo
// or a document, in chats that can receive files (Telegram); elsewhere it says it cannot.
import { z } from "zod";
import { normalizeWorkspacePath } from "../core/workspace-path.ts";
import { formatBytes } from "../util/format-bytes.ts";
import type { AgentTool } from "./tool.ts";
import { toolError, workspaceFailure } from "./tool-result.ts";

/** Telegram's upload limit for bots; larger files are refused before anything is sent. */
const MAX_BYTES = 50 * 1024 * 1024;

const MEDIA_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
};

const sendFileInput = z.object({
  path: z.string().describe('Path of the file, relative to the workspace root, e.g. "reports/week.pdf".'),
  caption: z
    .string()
    .max(1024)
    .optional()
    .describe("A short text shown with the file (at most 1024 characters)."),
});

export type SendFileInput = z.infer<typeof sendFileInput>;

/** Creates the `send_file` tool; it works when the turn's context can send files. */
export function createSendFileTool(): AgentTool<SendFileInput> {
  return {
    name: "send_file",
    description:
      "Send a file from the workspace to the person in this chat: images (jpg, png, gif, webp) arrive as " +
      `photos, anything else as a document, up to ${formatBytes(MAX_BYTES)}. Only in chats that can receive ` +
      "files (Telegram); your text reply is sent as usual.",
    input: sendFileInput,
    async run({ path, caption }, { workspace, sendFile }) {
      if (!sendFile) {
        return toolError(
          "This conversation cannot receive files (it is the terminal, the web chat or the API). " +
            "Tell the person where the file is in the workspace instead.",
        );
      }
      let file: string;
      let bytes: Uint8Array | null;
      try {
        file = normalizeWorkspacePath(path);
        bytes = await workspace.read(file);
      } catch (error) {
        return workspaceFailure(error, "send", path);
      }
      if (bytes === null) return toolError(`File not found: ${JSON.stringify(file)}. Use list to find it.`);
      if (bytes.byteLength > MAX_BYTES) {
        return toolError(
          `${JSON.stringify(file)} is ${formatBytes(bytes.byteLength)}; files over ${formatBytes(MAX_BYTES)} cannot be sent.`,
        );
      }
      const name = file.split("/").pop()!;
      const mediaType = MEDIA_TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
      try {
        await sendFile({ name, bytes, mediaType, ...(caption && { caption }) });
      } catch (error) {
        return toolError(`Sending ${name} failed: ${(error as Error).message}`);
      }
      return { text: `Sent ${name} (${formatBytes(bytes.byteLength)}) to the chat.` };
    },
  };
}
