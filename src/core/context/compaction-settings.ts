// The context guard's settings (config agent.contextWindow and agent.compaction), resolved against a
// model: its window, when to compact, how much to keep verbatim, how big one tool result may be.
import { type TokenBudget, tokenBudgetOf } from "./tokens.ts";
import { toolResultMaxChars } from "./tool-result-cap.ts";

export interface CompactionSettings {
  /** The model's window in tokens (agent.contextWindow); absent: from the model table. */
  contextWindow?: number;
  /** Compact before a call whose prompt would take more than this share of the window. */
  atPercent: number;
  /** Recent messages kept verbatim by a compaction, as a share of the window. */
  keepRecentPercent: number;
  /** Largest share of the window one tool result may take. */
  toolResultMaxPercent: number;
  /** Run the silent memory flush before each compaction. */
  memoryFlush: boolean;
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  atPercent: 80,
  keepRecentPercent: 25,
  toolResultMaxPercent: 30,
  memoryFlush: true,
};

/** The settings worked out for one model. */
export interface ContextLimits extends TokenBudget {
  /** Prompt tokens past which a turn compacts first. */
  compactAt: number;
  /** Tokens a compaction keeps verbatim. */
  keepTokens: number;
  /** Characters one tool result may have. */
  toolResultMaxChars: number;
  /** Characters of conversation per summarising request (half the window, less the summary's room). */
  chunkChars: number;
  /** Longest summary, in tokens. */
  maxSummaryTokens: number;
  memoryFlush: boolean;
}

export function contextLimits(
  modelRef: string,
  settings: CompactionSettings = DEFAULT_COMPACTION,
): ContextLimits {
  const budget = tokenBudgetOf(modelRef, settings.contextWindow);
  const { window, charsPerToken } = budget;
  const maxSummaryTokens = Math.max(256, Math.min(4_096, Math.floor(window * 0.1)));
  return {
    ...budget,
    compactAt: Math.floor((window * settings.atPercent) / 100),
    keepTokens: Math.floor((window * settings.keepRecentPercent) / 100),
    toolResultMaxChars: toolResultMaxChars(window, charsPerToken, settings.toolResultMaxPercent),
    chunkChars: Math.max(2_000, Math.floor((window * 0.5 - maxSummaryTokens) * charsPerToken)),
    maxSummaryTokens,
    memoryFlush: settings.memoryFlush,
  };
}
