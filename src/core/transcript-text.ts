// Turns transcript messages (AI SDK ModelMessages) into text for people: the CLI's `sessions show`
// prints them whole, the control protocol's chat.history splits them into text and tool calls, and
// both show the user entries of internal turns (heartbeat, reminder, hook, cron) as a small marker.
import type { ModelMessage } from "ai";
import { heartbeatPromptEvents } from "./heartbeat/heartbeat-text.ts";
import type { EntryOrigin, MessageEntry } from "./transcript.ts";

type Part = Exclude<ModelMessage["content"], string>[number];

/** A tool call found in a message. */
export interface TranscriptToolCall {
  name: string;
  input: unknown;
}

/** A tool result found in a message. */
export interface TranscriptToolResult {
  name: string;
  text: string;
  isError: boolean;
}

/** A message split for display: the text parts joined, and its tool calls and results. */
export interface MessageParts {
  text: string;
  toolCalls: TranscriptToolCall[];
  toolResults: TranscriptToolResult[];
}

function partsOf(message: ModelMessage): Part[] {
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
}

function resultOf(part: Extract<Part, { type: "tool-result" }>): TranscriptToolResult {
  const output = part.output as { type: string; value?: unknown };
  const text = typeof output.value === "string" ? output.value : JSON.stringify(output.value);
  return { name: part.toolName, text: text ?? "", isError: output.type.startsWith("error") };
}

/** One part as a line of text; tool calls and results are bracketed so they stand out. */
function partText(part: Part): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "tool-call":
      return `[tool call ${part.toolName} ${JSON.stringify(part.input)}]`;
    case "tool-result": {
      const result = resultOf(part);
      return `[${result.isError ? "tool error" : "tool result"} ${result.name}] ${result.text}`;
    }
    default:
      return `[${part.type}]`;
  }
}

/** The whole message as text, tool calls and results included, one part per line. */
export function messageText(message: ModelMessage): string {
  return partsOf(message).map(partText).join("\n");
}

/**
 * The message split: `text` holds only what was said (text parts, joined without a separator as the
 * model streamed them), tool calls and results come apart.
 */
export function messageParts(message: ModelMessage): MessageParts {
  const parts: MessageParts = { text: "", toolCalls: [], toolResults: [] };
  for (const part of partsOf(message)) {
    if (part.type === "text") parts.text += part.text;
    else if (part.type === "tool-call") parts.toolCalls.push({ name: part.toolName, input: part.input });
    else if (part.type === "tool-result") parts.toolResults.push(resultOf(part));
  }
  return parts;
}

/**
 * Who wrote a user entry when no person did: its mark, or, in transcripts written before entries were
 * marked, a heartbeat prompt recognised by its wording. Undefined for the user's own words.
 */
export function entryOrigin(entry: MessageEntry): EntryOrigin | undefined {
  if (entry.message.role !== "user") return undefined;
  if (entry.origin) return entry.origin;
  const events = heartbeatPromptEvents(messageParts(entry.message).text);
  if (events === null) return undefined;
  return events.length > 0 ? "reminder" : "heartbeat";
}

/** What a marker says of an internal entry: the events a reminder relays, nothing for a plain beat, else the text. */
export function originNote(origin: EntryOrigin, text: string): string {
  const events = heartbeatPromptEvents(text);
  if (events !== null) return events.join("\n");
  return origin === "heartbeat" ? "" : text;
}
