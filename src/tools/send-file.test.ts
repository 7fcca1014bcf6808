import { describe, expect, it } from "vitest";
import { createSendFileTool } from "./send-file.ts";
import { toolContext } from "./testing/tool-context.ts";
import type { OutgoingFile } from "./tool.ts";

describe("send_file", () => {
  const tool = createSendFileTool();

  it("sends a workspace file with its media type and caption", async () => {
    const context = toolContext();
    await context.workspace.write("reports/week.pdf", new Uint8Array([37, 80, 68, 70]));
    const sent: OutgoingFile[] = [];
    const result = await tool.run(
      { path: "reports/week.pdf", caption: "This week" },
      { ...context, sendFile: async (file) => void sent.push(file) },
    );
    expect(result).toEqual({ text: "Sent week.pdf (4 B) to the chat." });
    expect(sent).toEqual([
      {
        name: "week.pdf",
        bytes: new Uint8Array([37, 80, 68, 70]),
        mediaType: "application/pdf",
        caption: "This week",
      },
    ]);
  });

  it("says where files cannot be sent, and what to do instead", async () => {
    const context = toolContext();
    await context.workspace.write("a.txt", new TextEncoder().encode("x"));
    const result = await tool.run({ path: "a.txt" }, context);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/cannot receive files.*where the file is in the workspace/);
  });

  it("reports a missing file, a path outside the workspace and a failed send to the model", async () => {
    const context = { ...toolContext(), sendFile: async () => Promise.reject(new Error("chat not found")) };
    expect((await tool.run({ path: "nope.txt" }, context)).text).toMatch(/File not found: "nope.txt"/);
    expect((await tool.run({ path: "../etc/passwd" }, context)).isError).toBe(true);
    await context.workspace.write("a.txt", new TextEncoder().encode("x"));
    expect((await tool.run({ path: "a.txt" }, context)).text).toBe("Sending a.txt failed: chat not found");
  });
});
