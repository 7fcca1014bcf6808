// Makes a loaded transcript safe to send: every tool call gets a result, so a turn that died
// between a tool call and its result never poisons the next request.
import type { ModelMessage, ToolResultPart } from "ai";
import type { TranscriptEntry } from "./transcript.ts";

export const INTERRUPTED_TOOL_RESULT =
  "This tool call was interrupted (the assistant stopped before it finished) and has no result. Run it again if it is still needed.";

/**
 * The messages of a transcript, repaired: a tool call with no matching result right after its
 * assistant message gets a synthetic error result; results whose call is unknown are dropped.
 */
export function messagesForModel(entries: TranscriptEntry[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  let open = new Map<string, string>(); // toolCallId -> toolName, awaiting results
  const closeOpen = () => {
    if (open.size === 0) return;
    const content: ToolResultPart[] = [...open].map(([toolCallId, toolName]) => ({
      type: "tool-result",
      toolCallId,
      toolName,
      output: { type: "error-text", value: INTERRUPTED_TOOL_RESULT },
    }));
    const last = out.at(-1);
    if (last?.role === "tool") last.content.push(...content);
    else out.push({ role: "tool", content });
    open = new Map();
  };
  for (const { message } of entries) {
    if (message.role === "tool") {
      const content = message.content.filter(
        (part) => part.type !== "tool-result" || open.delete(part.toolCallId),
      );
      if (content.length > 0) {
        const last = out.at(-1);
        if (last?.role === "tool") last.content.push(...content);
        else out.push({ ...message, content });
      }
      continue;
    }
    closeOpen();
    out.push(message);
    if (message.role === "assistant" && Array.isArray(message.content)) {
      for (const part of message.content) {
        if (part.type === "tool-call") open.set(part.toolCallId, part.toolName);
      }
    }
  }
  closeOpen();
  return out;
}
