// An in-process model for unit tests: answers each call from a script, records what it was sent.
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";

export type ScriptedReply =
  | { text: string; usage?: { input: number; output: number } }
  | { toolCalls: Array<{ name: string; input: unknown; id?: string }>; text?: string }
  | { error: Error }
  | { rawToolInput: { name: string; json: string } };

function usage(input: number, output: number) {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

function partsFor(reply: ScriptedReply, callIndex: number): LanguageModelV4StreamPart[] {
  const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
  if ("error" in reply) {
    parts.push({ type: "error", error: reply.error });
    return parts;
  }
  const text = "text" in reply ? reply.text : undefined;
  if (text) {
    parts.push({ type: "text-start", id: "t" });
    // Two deltas, so that streaming is visible to the test.
    const half = Math.ceil(text.length / 2);
    parts.push({ type: "text-delta", id: "t", delta: text.slice(0, half) });
    if (text.length > half) parts.push({ type: "text-delta", id: "t", delta: text.slice(half) });
    parts.push({ type: "text-end", id: "t" });
  }
  let finish: "stop" | "tool-calls" = "stop";
  if ("toolCalls" in reply) {
    finish = "tool-calls";
    reply.toolCalls.forEach((call, i) => {
      parts.push({
        type: "tool-call",
        toolCallId: call.id ?? `call_${callIndex}_${i}`,
        toolName: call.name,
        input: JSON.stringify(call.input),
      });
    });
  }
  if ("rawToolInput" in reply) {
    finish = "tool-calls";
    parts.push({
      type: "tool-call",
      toolCallId: `call_${callIndex}_raw`,
      toolName: reply.rawToolInput.name,
      input: reply.rawToolInput.json,
    });
  }
  const u = "usage" in reply && reply.usage ? reply.usage : { input: 10, output: 5 };
  parts.push({
    type: "finish",
    usage: usage(u.input, u.output),
    finishReason: { unified: finish, raw: finish },
  });
  return parts;
}

/** A MockLanguageModelV4 that plays `replies` in order; `calls` holds every request it got. */
export function scriptedModel(replies: ScriptedReply[]) {
  const calls: LanguageModelV4CallOptions[] = [];
  let index = 0;
  const model = new MockLanguageModelV4({
    modelId: "scripted",
    doStream: async (options) => {
      calls.push(options);
      const reply = replies[index] ?? { text: "(script exhausted)" };
      const parts = partsFor(reply, index++);
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  });
  return { model, calls };
}
