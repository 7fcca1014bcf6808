// The shape of a tool the agent can call: a zod schema for its input and a handler.
import type { z } from "zod";
import type { CronScope } from "../core/cron/cron-input.ts";
import type { CronService } from "../core/cron/cron-service.ts";
import type { TurnMemory } from "../core/turn/memory-view.ts";
import type { Clock } from "../ports/clock.ts";
import type { Workspace } from "../ports/workspace.ts";

/** What a tool may ask the person before it acts (in the terminal, the web chat or Telegram). */
export interface ApprovalRequest {
  tool: string;
  /** One line shown to the person, e.g. the command to run. */
  summary: string;
  /** What "always" adds to tools.exec.allowlist (the exact command); absent: only once or deny. */
  allowlistEntry?: string;
}

/** Everything a tool handler gets besides its input. */
export interface ToolContext {
  workspace: Workspace;
  clock: Clock;
  /** Aborts when the turn is cancelled; long-running tools must stop. */
  signal: AbortSignal;
  /**
   * Contract: resolves true only if a person approved this action just now; channels without a
   * person to ask resolve false. Must not throw.
   */
  approve(request: ApprovalRequest): Promise<boolean>;
  /** Sends a file to the chat of this turn; absent where the channel cannot receive files. */
  sendFile?: (file: OutgoingFile) => Promise<void>;
  /** The cron jobs as this turn may see them (its chat's, or all for the owner); absent where none are kept. */
  cron?: { service: CronService; scope: CronScope };
  /** Memory as this turn may search it (its person's turns; private notes only for the owner); absent where none is wired. */
  memory?: TurnMemory;
}

/** A file the agent sends to the person it talks with. */
export interface OutgoingFile {
  name: string;
  bytes: Uint8Array;
  mediaType: string;
  caption?: string;
}

/** What a tool gives back to the model. `isError` marks a failure the model should read and handle. */
export interface ToolOutput {
  text: string;
  isError?: boolean;
}

/**
 * A tool. The agent loop validates the model's arguments against `input` before calling `run`;
 * invalid arguments go back to the model as an error, never to `run`.
 */
export interface AgentTool<Input = unknown> {
  name: string;
  /** Told to the model: what the tool does and when to use it. */
  description: string;
  input: z.ZodType<Input>;
  /** Contract: never throws for an expected failure (missing file, denied command): return isError. */
  run(input: Input, context: ToolContext): Promise<ToolOutput>;
}
