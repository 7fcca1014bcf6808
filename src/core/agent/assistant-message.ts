// The assistant's message for one step of the loop, as the transcript keeps it and the next call
// sends it back: reasoning first (with the provider's signatures), then text, then tool calls.
import type { AssistantModelMessage } from "ai";
import type { ModelReasoning, ModelToolCall } from "./model-step.ts";

/**
 * Contract: null when the step said nothing; plain text content when it only wrote text (the
 * common case keeps the transcript small); metadata goes back as providerOptions, unchanged.
 */
export function assistantMessage(
  text: string,
  calls: ModelToolCall[],
  reasoning: ModelReasoning[] = [],
): AssistantModelMessage | null {
  // A block with neither text nor metadata carries nothing a provider could check.
  const thoughts = reasoning.filter((block) => block.text || block.providerMetadata);
  if (calls.length === 0 && thoughts.length === 0) return text ? { role: "assistant", content: text } : null;
  return {
    role: "assistant",
    content: [
      ...thoughts.map((block) => ({
        type: "reasoning" as const,
        text: block.text,
        ...(block.providerMetadata && { providerOptions: block.providerMetadata }),
      })),
      ...(text ? [{ type: "text" as const, text }] : []),
      ...calls.map((call) => ({
        type: "tool-call" as const,
        toolCallId: call.id,
        toolName: call.name,
        input: call.input,
        ...(call.providerMetadata && { providerOptions: call.providerMetadata }),
      })),
    ],
  };
}
