import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentTool } from "../../tools/tool.ts";
import {
  providerTools,
  providerToolsChars,
  toProviderPrompt,
  UnsupportedContentError,
} from "./provider-prompt.ts";

describe("the provider prompt", () => {
  it("puts the system prompt first and keeps text, tool calls and tool results as they were", () => {
    const prompt = toProviderPrompt("You are Claw.", [
      { role: "user", content: "List my notes" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Looking." },
          { type: "tool-call", toolCallId: "c1", toolName: "list", input: { path: "notes" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "list",
            output: { type: "text", value: "a.md" },
          },
        ],
      },
      { role: "assistant", content: "You have a.md." },
    ]);
    expect(prompt).toEqual([
      { role: "system", content: "You are Claw." },
      { role: "user", content: [{ type: "text", text: "List my notes" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Looking." },
          { type: "tool-call", toolCallId: "c1", toolName: "list", input: { path: "notes" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "list",
            output: { type: "text", value: "a.md" },
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "You have a.md." }] },
    ]);
  });

  it("passes an image as a file part with its bytes and media type", () => {
    const bytes = new Uint8Array([137, 80, 78, 71]);
    const [, user] = toProviderPrompt("s", [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", image: bytes, mediaType: "image/png" },
        ],
      },
    ]);
    expect(user).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "file", data: { type: "data", data: bytes }, mediaType: "image/png" },
      ],
    });
  });

  it("refuses an image without a media type, saying what is missing", () => {
    expect(() =>
      toProviderPrompt("s", [{ role: "user", content: [{ type: "image", image: new Uint8Array([1]) }] }]),
    ).toThrow(new UnsupportedContentError("An image part needs its mediaType (image/png, ...)."));
  });
});

describe("the provider tools", () => {
  const tool = (name: string, input: z.ZodType): AgentTool => ({
    name,
    description: `The ${name} tool.`,
    input,
    run: async () => ({ text: "ok" }),
  });
  const read = tool("read", z.object({ path: z.string().describe("A workspace path.") }));
  const list = tool("list", z.object({ dir: z.string().optional() }));

  it("sends each tool's input as JSON Schema, and one tool filtered into a new list is the same object", () => {
    const [first] = providerTools([read, list]);
    expect(first).toMatchObject({
      type: "function",
      name: "read",
      inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
    });
    // The policy filters a new array every turn: the conversion must not run again.
    expect(providerTools([read])[0]).toBe(first);
  });

  it("counts the characters the provider receives, as the JSON of the list", () => {
    for (const tools of [[], [read], [read, list]]) {
      const sent = tools.length ? JSON.stringify(providerTools(tools)).length : 0;
      expect(providerToolsChars(tools)).toBe(sent);
    }
  });
});
