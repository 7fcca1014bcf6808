// Where `agent-claw usage` reads from: this machine's state.db, a deployment's ledger (usage-aws.ts) or a
// running aws dev's (usage-aws-dev.ts). Each comes with the limits and the time zone its assistant counts
// days in, and says where the ledger and those limits came from.
import type { LimitsConfig } from "../../config/usage-schema.ts";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import type { Clock } from "../../ports/clock.ts";
import type { UsageLedger } from "../../ports/usage.ts";

/** Whose config the limits shown are, when the ledger is not simply this machine's own. */
export interface LimitsOrigin {
  /** Named in the standing line: "the deployment's config", "this machine's config.json". */
  name: string;
  /** Said on a line of its own before it: why the deployment's own limits are not the ones shown. */
  note?: string;
}

export interface UsageSource {
  ledger: Pick<UsageLedger, "list">;
  /** The zone the assistant's days (and daily limits) run in. */
  timeZone: string;
  limits: LimitsConfig;
  /** A first line naming where the ledger is; absent for this machine's own. */
  heading?: string;
  /** Absent for this machine's own ledger and config. */
  limitsOrigin?: LimitsOrigin;
  /** Added to --json's report: where the ledger is and whose limits these are. */
  json?: Record<string, unknown>;
  close(): Promise<void>;
}

/** The local ledger in state.db, with config.json's limits. */
export async function openLocalUsage(env?: NodeJS.ProcessEnv, clock?: Clock): Promise<UsageSource> {
  const assistant = await openLocalAssistant({ ...(env && { env }), ...(clock && { clock }) });
  return {
    ledger: assistant.ports.usage,
    timeZone: assistant.timeZone,
    limits: assistant.config.limits,
    close: () => assistant.close(),
  };
}
