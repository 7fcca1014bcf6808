// The transcript's AI SDK messages and our tools in the shape a provider model takes (LanguageModelV4).
// The agent loop calls providers directly: streamText's per-call prompt validation and stream
// plumbing cost about 2 ms of CPU per model call, more than the rest of a turn's own work.
// providerOptions travel with every message and part: they hold what a provider needs back on the
// next call (Anthropic's reasoning signatures, OpenAI's item ids) and cache markers.
import type {
  LanguageModelV4FilePart,
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4TextPart,
  SharedV4ProviderOptions,
} from "@ai-sdk/provider";
import type { FilePart, ImagePart, ModelMessage, TextPart } from "ai";
import { z } from "zod";
import type { AgentTool } from "../../tools/tool.ts";

type UserPart = TextPart | ImagePart | FilePart;

/** `{ providerOptions }` when the message or part has some, else nothing (no undefined keys). */
const options = (from: { providerOptions?: SharedV4ProviderOptions | undefined }) =>
  from.providerOptions ? { providerOptions: from.providerOptions } : {};

/** Raised for message content the loop cannot hand to a provider; names the part. */
export class UnsupportedContentError extends Error {
  override readonly name = "UnsupportedContentError";
}

function fileData(data: unknown): LanguageModelV4FilePart["data"] {
  if (data instanceof URL) return { type: "url", url: data };
  if (typeof data === "string" || data instanceof Uint8Array) return { type: "data", data };
  if (data instanceof ArrayBuffer) return { type: "data", data: new Uint8Array(data) };
  throw new UnsupportedContentError(
    "A file or image part holds data that is neither bytes, base64 nor a URL.",
  );
}

function userPart(part: UserPart): LanguageModelV4TextPart | LanguageModelV4FilePart {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text, ...options(part) };
    case "image":
      if (!part.mediaType)
        throw new UnsupportedContentError("An image part needs its mediaType (image/png, ...).");
      return { type: "file", data: fileData(part.image), mediaType: part.mediaType, ...options(part) };
    case "file":
      return {
        type: "file",
        data: fileData(part.data),
        mediaType: part.mediaType,
        ...(part.filename && { filename: part.filename }),
        ...options(part),
      };
  }
}

export function providerMessage(message: ModelMessage): LanguageModelV4Message {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content, ...options(message) };
    case "user":
      return {
        role: "user",
        content:
          typeof message.content === "string"
            ? [{ type: "text", text: message.content }]
            : message.content.map(userPart),
        ...options(message),
      };
    case "assistant": {
      if (typeof message.content === "string") {
        return { role: "assistant", content: [{ type: "text", text: message.content }], ...options(message) };
      }
      const content = message.content.map((part) => {
        switch (part.type) {
          case "text":
          case "reasoning":
            return { type: part.type, text: part.text, ...options(part) };
          case "tool-call":
            return {
              type: "tool-call" as const,
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: part.input,
              ...options(part),
            };
          case "file":
            return userPart(part);
          default:
            throw new UnsupportedContentError(`An assistant message holds a "${part.type}" part.`);
        }
      });
      return { role: "assistant", content, ...options(message) };
    }
    case "tool":
      return {
        role: "tool",
        content: message.content.map((part) => {
          if (part.type !== "tool-result") {
            throw new UnsupportedContentError(`A tool message holds a "${part.type}" part.`);
          }
          return {
            type: "tool-result",
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            output: part.output as never,
            ...options(part),
          };
        }),
        ...options(message),
      };
  }
}

/** Contract: the system prompt first, then every message in order; throws UnsupportedContentError. */
export function toProviderPrompt(system: string, messages: ModelMessage[]): LanguageModelV4Prompt {
  return [{ role: "system", content: system }, ...messages.map(providerMessage)];
}

// Arguments are validated by runToolCall against the zod schema, so the model's mistakes come back
// to it as readable errors; the provider only gets the JSON Schema. Converting the schemas costs
// more than the rest of a turn's CPU work, so each tool is converted once: a turn's list is a new
// array (filtered by the chat's tool policy), but its tools are the same objects every turn.
const converted = new WeakMap<AgentTool, { tool: LanguageModelV4FunctionTool; chars: number }>();
const toolLists = new WeakMap<AgentTool[], LanguageModelV4FunctionTool[]>();

function convert(tool: AgentTool): { tool: LanguageModelV4FunctionTool; chars: number } {
  let done = converted.get(tool);
  if (!done) {
    const schema: LanguageModelV4FunctionTool = {
      type: "function",
      name: tool.name,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.input, { io: "input" }) as LanguageModelV4FunctionTool["inputSchema"],
    };
    done = { tool: schema, chars: JSON.stringify(schema).length };
    converted.set(tool, done);
  }
  return done;
}

/** Contract: the same array for the same tool list (cached by identity), the same object per tool. */
export function providerTools(tools: AgentTool[]): LanguageModelV4FunctionTool[] {
  let list = toolLists.get(tools);
  if (!list) {
    list = tools.map((tool) => convert(tool).tool);
    toolLists.set(tools, list);
  }
  return list;
}

/** Characters of the tools' JSON Schemas as sent to the provider (for token estimates). */
export function providerToolsChars(tools: AgentTool[]): number {
  // As JSON.stringify of the list: the brackets and the commas between the tools.
  return tools.length ? tools.reduce((sum, tool) => sum + convert(tool).chars, 1 + tools.length) : 0;
}
