// The memory flush before a session reset: the old conversation is about to end (a daily or idle
// reset), so a silent turn on it asks the model to save durable facts to MEMORY.md and today's note.
// Its entries go to the old transcript, marked silent; nothing is delivered.
import type { SessionMeta } from "../../ports/session-store.ts";
import { contextLimits } from "../context/compaction-settings.ts";
import { planCompaction } from "../context/compaction-plan.ts";
import { promptTokens } from "../context/compact-session.ts";
import { FLUSH_TOOLS, runMemoryFlush } from "../context/memory-flush.ts";
import { capToolResult } from "../context/tool-result-cap.ts";
import type { ChannelContext } from "../messages.ts";
import { loadBootstrapFiles } from "../prompt/bootstrap-files.ts";
import { buildSystemPrompt } from "../prompt/system-prompt.ts";
import { mainSessionKey } from "../session-key.ts";
import type { TokenUsage } from "../transcript.ts";
import { messagesForModel, repairMessages, withSummary } from "../transcript-repair.ts";
import type { TurnDeps } from "./run-turn.ts";

/** Where the flush "happens", as the system prompt tells the model. */
const FLUSH_CHANNEL: ChannelContext = {
  channel: "internal",
  chatKind: "dm",
  description: "an automatic memory flush before the conversation is reset (nobody reads this reply)",
  interactive: false,
};

export interface FlushSessionOptions {
  /** May the flush read and write the owner's private files (MEMORY.md, memory/)? Default: for the main session only. */
  ownerView?: boolean;
  signal?: AbortSignal;
  /** Contract: must not throw. Hears why a flush failed (the reset goes on regardless). */
  onError?: (error: unknown) => void;
}

const NONE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

/**
 * Runs the silent flush turn on the old session. Contract: never throws (a failed flush must not
 * block the reset; onError hears of it); resolves with what the flush cost; a session with nothing
 * said in it, or agent.compaction.memoryFlush off, costs nothing.
 */
export async function flushSessionMemory(
  deps: TurnDeps,
  old: SessionMeta,
  options: FlushSessionOptions = {},
): Promise<TokenUsage> {
  try {
    const limits = contextLimits(deps.model.ref, deps.settings.compaction);
    if (!limits.memoryFlush) return NONE;
    const ownerView = options.ownerView ?? old.key === mainSessionKey();
    // The flush exists to write MEMORY.md and the day's note, the owner's private files; elsewhere it
    // could only write notes every person's search finds.
    if (!ownerView) return NONE;
    // Only what the model would see: from the last compaction on.
    const entries = await deps.sessions.load(old.sessionId, { sinceCompaction: true });
    const visible = messagesForModel(entries);
    if (!visible.some((m) => m.role === "user")) return NONE;
    const files = await loadBootstrapFiles(deps.workspace, {
      maxChars: deps.settings.bootstrapMaxChars,
      includePrivate: true,
    });
    const tools = deps.tools.filter((tool) => FLUSH_TOOLS.has(tool.name));
    const system = buildSystemPrompt({
      files,
      tools,
      now: deps.clock.now(),
      timeZone: deps.settings.timeZone,
      channel: FLUSH_CHANNEL,
      workspaceLocation: deps.workspace.location,
      sessionKey: old.key,
      modelRef: deps.model.ref,
      maxChars: deps.settings.bootstrapMaxChars,
      engineLimits: deps.settings.engineLimits,
    });
    // The flush must fit the window: past it, the last summary and the newest messages that fit.
    let messages = visible;
    if (promptTokens({ system, tools, limits }, visible) > limits.compactAt) {
      const plan = planCompaction(entries, Math.floor(limits.window * 0.5), limits.charsPerToken);
      if (plan) {
        const kept = repairMessages(plan.keep.map((e) => e.message));
        messages = plan.previousSummary ? withSummary(plan.previousSummary, kept) : kept;
      }
    }
    const signal = options.signal ?? new AbortController().signal;
    const result = await runMemoryFlush({
      model: deps.model.model,
      system,
      messages,
      tools,
      toolContext: {
        workspace: deps.workspace,
        clock: deps.clock,
        signal,
        approve: async () => false,
      },
      maxSteps: Math.min(deps.settings.maxSteps, 8),
      why: "reset",
      timeZone: deps.settings.timeZone,
      newId: deps.newId,
      filterToolOutput: (text) =>
        capToolResult(deps.redact ? deps.redact(text) : text, limits.toolResultMaxChars),
      append: (flushEntries) => deps.sessions.append(old.sessionId, flushEntries, { sync: false }),
    });
    await deps.sessions.sync(old.sessionId);
    return result.usage;
  } catch (error) {
    options.onError?.(error);
    return NONE;
  }
}
