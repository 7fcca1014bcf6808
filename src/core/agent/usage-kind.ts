// Labels a model call's usage record: the assistant's own calls (a memory flush, a compaction) pass
// this in the call's providerOptions; the usage meter reads and removes it before the provider sees it.
import type { SharedV4ProviderOptions } from "@ai-sdk/provider";
import type { UsageKind } from "../../ports/usage.ts";
import type { EntryOrigin } from "../transcript.ts";

export const USAGE_OPTION_KEY = "agentClaw";

/** providerOptions that label a call, e.g. `{ ...call, providerOptions: usageKindOption("flush") }`. */
export function usageKindOption(kind: UsageKind): SharedV4ProviderOptions {
  return { [USAGE_OPTION_KEY]: { usageKind: kind } };
}

/** The usage kind of a turn for these messages: the internal origin they share, else a person's turn. */
export function turnUsageKind(messages: readonly { internal?: EntryOrigin }[]): UsageKind {
  const origin = messages[0]?.internal;
  if (!origin || messages.some((m) => m.internal !== origin)) return "turn";
  // A reminder is relayed by the heartbeat's turn.
  return origin === "reminder" ? "heartbeat" : origin;
}
