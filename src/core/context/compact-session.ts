// A compaction of one session: plan the cut, let the model flush durable facts to memory, summarise
// the older messages in chunks and append the compaction entry. Also the two fallbacks an overflow
// needs when summarising is not enough: dropping the oldest messages, and setting everything aside.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { SessionStore } from "../../ports/session-store.ts";
import type { AgentTool, ToolContext } from "../../tools/tool.ts";
import { providerToolsChars } from "../agent/provider-prompt.ts";
import type { CompactionEntry, CompactionReason, TokenUsage, TranscriptEntry } from "../transcript.ts";
import { messagesForModel, repairMessages, visibleEntries, withSummary } from "../transcript-repair.ts";
import type { ContextLimits } from "./compaction-settings.ts";
import { planCompaction } from "./compaction-plan.ts";
import { runMemoryFlush } from "./memory-flush.ts";
import { summariseConversation } from "./summarise.ts";
import { messagesTokens, textTokens } from "./tokens.ts";

/** What a compaction needs of the turn it happens in. */
export interface CompactionContext {
  sessions: SessionStore;
  sessionId: string;
  model: LanguageModelV4;
  limits: ContextLimits;
  system: string;
  tools: AgentTool[];
  toolContext: ToolContext;
  timeZone: string;
  maxSteps: number;
  newId: () => string;
  filterToolOutput?: (text: string) => string;
}

/** What compacting cost, by kind of call. */
export interface SilentUsage {
  flush?: TokenUsage;
  compaction?: TokenUsage;
}

export interface CompactionOutcome {
  /** The entry appended; null when there was nothing to summarise. */
  entry: CompactionEntry | null;
  usage: SilentUsage;
  /** Files the memory flush wrote. */
  flushed: string[];
  /** Set when the flush failed (the compaction went on without it). */
  flushError?: unknown;
}

/** Estimated prompt tokens: the system prompt, the tools' schemas and the messages. */
export function promptTokens(
  context: Pick<CompactionContext, "system" | "tools" | "limits">,
  messages: ModelMessage[],
): number {
  const { charsPerToken } = context.limits;
  const toolChars = providerToolsChars(context.tools);
  return (
    textTokens(context.system.length + toolChars, charsPerToken) + messagesTokens(messages, charsPerToken)
  );
}

/**
 * Prompt tokens of the session as the next call would send it, plus `extra` messages: the estimate,
 * or what the provider reported for the latest call plus the estimate of what came after it, if more.
 */
export function sessionTokens(
  context: Pick<CompactionContext, "system" | "tools" | "limits">,
  entries: TranscriptEntry[],
  extra: ModelMessage[] = [],
  visible: ModelMessage[] = messagesForModel(entries),
): number {
  const estimate = promptTokens(context, [...visible, ...extra]);
  const compactedAt = entries.findLastIndex((e) => e.type === "compaction");
  const reported = entries.findLastIndex(
    (e, i) => i > compactedAt && e.type === "message" && e.usage !== undefined,
  );
  if (reported < 0) return estimate;
  const { usage } = entries[reported] as { usage: TokenUsage };
  const after = entries
    .slice(reported + 1)
    .flatMap((e) => (e.type === "message" && !e.silent ? [e.message] : []));
  const measured =
    usage.inputTokens +
    usage.outputTokens +
    messagesTokens([...after, ...extra], context.limits.charsPerToken);
  return Math.max(estimate, measured);
}

/**
 * Whether a turn should compact before its call: the prompt would pass compactAt, and the
 * conversation holds more than a compaction keeps (else compacting frees nothing, and a prompt that
 * is big by itself would compact on every turn).
 */
export function needsCompaction(
  context: Pick<CompactionContext, "system" | "tools" | "limits">,
  entries: TranscriptEntry[],
  extra: ModelMessage[],
  visible: ModelMessage[] = messagesForModel(entries),
): boolean {
  if (sessionTokens(context, entries, extra, visible) <= context.limits.compactAt) return false;
  return messagesTokens(visible, context.limits.charsPerToken) > context.limits.keepTokens;
}

/** The sum of two silent usages (either may be absent). */
export function mergeSilentUsage(a: SilentUsage | undefined, b: SilentUsage | undefined): SilentUsage {
  const out: SilentUsage = { ...a };
  for (const kind of ["flush", "compaction"] as const) {
    const extra = b?.[kind];
    if (extra) out[kind] = add(out[kind], extra);
  }
  return out;
}

const add = (a: TokenUsage | undefined, b: TokenUsage): TokenUsage => ({
  inputTokens: (a?.inputTokens ?? 0) + b.inputTokens,
  outputTokens: (a?.outputTokens ?? 0) + b.outputTokens,
});

/**
 * Compacts the session: flush (when enabled), summary, compaction entry appended (not synced: the
 * turn syncs). `nextEntryId` is the entry that follows `entries` in the transcript (this turn's user
 * message, appended already): kept when nothing older is. With `fullFits` false (after an overflow)
 * the flush sees the compacted conversation instead of the whole one.
 */
export async function compactSession(
  context: CompactionContext,
  entries: TranscriptEntry[],
  reason: CompactionReason,
  options: { keepTokens: number; nextEntryId?: string; overflowed?: boolean },
): Promise<CompactionOutcome> {
  const { limits } = context;
  const plan = planCompaction(entries, options.keepTokens, limits.charsPerToken);
  if (!plan) return { entry: null, usage: {}, flushed: [] };
  const usage: SilentUsage = {};
  const outcome: CompactionOutcome = { entry: null, usage, flushed: [] };
  const whole = messagesForModel(entries);
  const tokensBefore = promptTokens(context, whole);
  const flush = async (messages: ModelMessage[]) => {
    if (!limits.memoryFlush) return;
    try {
      const result = await runMemoryFlush({
        model: context.model,
        system: context.system,
        messages,
        tools: context.tools,
        toolContext: context.toolContext,
        maxSteps: Math.min(context.maxSteps, 8),
        why: reason === "reset" ? "reset" : "compaction",
        timeZone: context.timeZone,
        newId: context.newId,
        ...(context.filterToolOutput && { filterToolOutput: context.filterToolOutput }),
        append: (flushEntries) => context.sessions.append(context.sessionId, flushEntries, { sync: false }),
      });
      usage.flush = add(usage.flush, result.usage);
      outcome.flushed = result.wrote;
    } catch (error) {
      // A failed flush must not keep the conversation from shrinking: the summary still holds the facts.
      if (context.toolContext.signal.aborted) throw error;
      outcome.flushError = error;
    }
  };
  // The flush sees the whole conversation while it fits with room to answer, else the compacted one.
  const wholeFits = !options.overflowed && tokensBefore < limits.window * 0.9;
  if (wholeFits) await flush(whole);
  const summary = await summariseConversation({
    model: context.model,
    clock: context.toolContext.clock,
    signal: context.toolContext.signal,
    ...(plan.previousSummary !== undefined && { previous: plan.previousSummary }),
    messages: repairMessages(plan.summarise.map((e) => e.message)),
    chunkChars: limits.chunkChars,
    maxSummaryTokens: limits.maxSummaryTokens,
  });
  usage.compaction = add(usage.compaction, summary.usage);
  if (!wholeFits) await flush(withSummary(summary.summary, repairMessages(plan.keep.map((e) => e.message))));
  const entry: CompactionEntry = {
    type: "compaction",
    id: context.newId(),
    at: context.toolContext.clock.now(),
    summary: summary.summary,
    firstKeptId: plan.keep[0]?.id ?? options.nextEntryId ?? null,
    tokensBefore,
    reason,
    usage: summary.usage,
  };
  await context.sessions.append(context.sessionId, [entry], { sync: false });
  outcome.entry = entry;
  return outcome;
}

/** What a dropping compaction adds to the summary, so the model knows something is missing. */
export const DROPPED_NOTE =
  "(Some older messages were dropped without being summarised because the conversation no longer fit the model's context.)";

/**
 * Drops the oldest messages without a model call: a compaction entry that keeps the last summary
 * (with a note that something is missing) and only this turn, from its person's message on; with
 * `all`, nothing. Null when there is nothing older than this turn to drop.
 */
export async function dropOldest(
  context: Pick<CompactionContext, "sessions" | "sessionId" | "newId" | "limits" | "system" | "tools"> & {
    now: () => number;
  },
  entries: TranscriptEntry[],
  options: { all?: boolean } = {},
): Promise<CompactionEntry | null> {
  const { compaction, messages } = visibleEntries(entries);
  const turnStart = messages.findLastIndex((e) => e.message.role === "user");
  if (!options.all && turnStart <= 0) return null;
  const previous = compaction?.summary;
  const summary = previous?.includes(DROPPED_NOTE)
    ? previous
    : [previous, DROPPED_NOTE].filter(Boolean).join("\n\n");
  const entry: CompactionEntry = {
    type: "compaction",
    id: context.newId(),
    at: context.now(),
    summary,
    firstKeptId: options.all ? null : messages[turnStart]!.id,
    tokensBefore: promptTokens(context, messagesForModel(entries)),
    reason: "overflow",
  };
  await context.sessions.append(context.sessionId, [entry], { sync: false });
  return entry;
}
