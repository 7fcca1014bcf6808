// What a channel runtime needs from the process it runs in: the ports, the config in force, logging,
// and a durable submit. The gateway and the Lambdas both provide it; nothing here needs a live process.
import type { Config } from "../config/schema.ts";
import type { TurnJob } from "../core/intake/turn-job.ts";
import type { DeliveryAddress } from "../core/messages.ts";
import type { Ports } from "../ports/index.ts";
import type { AgentTool } from "../tools/tool.ts";

export type ChannelLogLevel = "debug" | "info" | "warn" | "error";

export interface ChannelDeps {
  ports: Ports;
  /** The config in force now (read it per update: it may be hot reloaded). */
  config(): Config;
  /** Contract: must not throw. Lines carry their own "telegram: " prefix. */
  log(level: ChannelLogLevel, message: string): void;
  /** Masks the secrets this process knows (previews are masked like stored replies). */
  redact(text: string): string;
  /** Queues a job durably (the JobRunner's submit locally, SQS on AWS); false: it was queued before. */
  submit(job: TurnJob): Promise<boolean>;
  /** The tools a turn may get (for /status). */
  tools(): AgentTool[];
  /**
   * Writes a change to the config (an owner derived from allowFrom or pairing is recorded once).
   * Absent where the config is read-only (AWS): the derived owner is then used without being written
   * (set channels.telegram.owners there to pin it).
   */
  patchConfig?(patch: Record<string, unknown>): Promise<unknown>;
  /** Notes the chat the owner last wrote from (deliver "last"). Contract: never rejects. */
  noteLastRoute(to: DeliveryAddress): Promise<void>;
  /** The user's time zone (names the day folders of saved files); absent: from the config. */
  timeZone?(): string;
}
