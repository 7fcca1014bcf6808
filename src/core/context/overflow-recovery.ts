// The agent loop with a way out of a context overflow: when the provider says the prompt is too long,
// compact the session and retry; if it still is, drop the oldest messages and retry; if even that
// fails, set the conversation aside and tell the person plainly. A session is never left stuck.
import type { ModelMessage } from "ai";
import { type AgentLoopOptions, type AgentLoopResult, runAgentLoop } from "../agent/agent-loop.ts";
import { ModelCallError } from "../agent/model-call-error.ts";
import type { TokenUsage, TranscriptEntry } from "../transcript.ts";
import { messagesForModel } from "../transcript-repair.ts";
import {
  type CompactionContext,
  compactSession,
  dropOldest,
  mergeSilentUsage,
  type SilentUsage,
} from "./compact-session.ts";

/** The reply when nothing made the prompt fit: what happened and what to send. */
export const OVERFLOW_REPLY =
  "This conversation has grown too long for the model, even after summarising it. I have set the older messages aside so the next message works; please send your last message again (shorter, if it was long). To start completely fresh, send /new; /compact summarises the conversation on demand.";

export interface GuardedLoopResult extends AgentLoopResult {
  /** What the compactions of this turn cost. */
  silentUsage: SilentUsage;
  /** Compactions made after an overflow (0 when none happened). */
  recoveries: number;
}

const isOverflow = (error: unknown) => error instanceof ModelCallError && error.kind === "context_overflow";

/**
 * Runs the agent loop; on a context overflow reloads the transcript (this turn's steps are in it),
 * compacts and continues with the steps left. Text, usage and steps add up across attempts.
 */
export async function runGuardedLoop(
  context: CompactionContext,
  options: AgentLoopOptions,
  reload: () => Promise<TranscriptEntry[]>,
): Promise<GuardedLoopResult> {
  const texts: string[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const silentUsage: SilentUsage = {};
  let steps = 0;
  let messages: ModelMessage[] = options.messages;
  const limits = context.limits;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await runAgentLoop({
        ...options,
        messages,
        maxSteps: Math.max(1, options.maxSteps - steps),
        onEvent: (event) => {
          if (event.type === "step_start") steps++;
          options.onEvent?.(event);
        },
        onMessages: async (stepMessages, stepUsage) => {
          await options.onMessages(stepMessages, stepUsage);
          for (const message of stepMessages) {
            if (message.role !== "assistant") continue;
            const text =
              typeof message.content === "string"
                ? message.content
                : message.content.map((p) => (p.type === "text" ? p.text : "")).join("");
            if (text.trim()) texts.push(text);
            if (stepUsage) {
              usage.inputTokens += stepUsage.inputTokens;
              usage.outputTokens += stepUsage.outputTokens;
            }
          }
        },
      });
      return {
        text: texts.join("\n\n"),
        usage,
        steps,
        stopReason: result.stopReason,
        silentUsage,
        recoveries: attempt,
      };
    } catch (error) {
      if (!isOverflow(error)) throw error;
      const entries = await reload();
      if (attempt === 0) {
        try {
          const outcome = await compactSession(context, entries, "overflow", {
            keepTokens: limits.keepTokens,
            overflowed: true,
          });
          Object.assign(silentUsage, mergeSilentUsage(silentUsage, outcome.usage));
          if (outcome.entry) {
            messages = messagesForModel([...entries, outcome.entry]);
            continue;
          }
        } catch (failure) {
          // The summary itself could not be made to fit: go on to dropping messages.
          if (!isOverflow(failure)) throw failure;
        }
      }
      const now = () => context.toolContext.clock.now();
      const current = await reload();
      if (attempt <= 1) {
        // Only this turn and the summary: older turns go.
        const entry = await dropOldest({ ...context, now }, current);
        attempt = Math.max(attempt, 1);
        if (entry) {
          messages = messagesForModel([...current, entry]);
          continue;
        }
      }
      // Nothing fits: the next message starts from the summary alone.
      await dropOldest({ ...context, now }, current, { all: true });
      return {
        text: [...texts, OVERFLOW_REPLY].join("\n\n"),
        usage,
        steps,
        stopReason: "done",
        silentUsage,
        recoveries: attempt,
      };
    }
  }
}
