// The flags of `agent-claw cron add|edit|runs`, turned into the cron service's input and validated
// with its own schemas; the service's messages are put in flag words (--system-event, not systemEvent).
import type { z } from "zod";
import { type CronAddInput, CronInputError, DELIVERY_CHANNELS } from "../../core/cron/cron-input.ts";
import { RUN_HISTORY_LIMIT } from "../../core/cron/cron-job.ts";
import { CronNotFoundError } from "../../core/cron/cron-service.ts";
import { UsageError } from "../io.ts";

/** The job flags of `cron add` and `cron edit`, as commander names them. */
export interface JobFlags {
  name?: string;
  at?: string;
  every?: string;
  cron?: string;
  tz?: string;
  systemEvent?: string;
  message?: string;
  deliver?: string;
  catchUp?: string;
  json?: boolean;
}

export interface EditFlags extends JobFlags {
  pause?: boolean;
  resume?: boolean;
}

/** The most runs `cron runs --limit` shows (the history keeps 50). */
export const MAX_RUNS = RUN_HISTORY_LIMIT;

const FLAG: Record<string, string> = {
  name: "--name",
  at: "--at",
  every: "--every",
  cron: "--cron",
  tz: "--tz",
  systemEvent: "--system-event",
  message: "--message",
  deliver: "--deliver",
  catchUp: "--catch-up",
  enabled: "--pause/--resume",
};
const flagOf = (field: string) => (Object.hasOwn(FLAG, field) ? FLAG[field] : undefined);

/**
 * The service's messages name the fields as the cron tool and the web UI send them ("systemEvent");
 * here they become flags (--system-event). A quoted word that is one of the user's own values stays.
 */
function inFlagWords(message: string, values: string[]): string {
  return message
    .replace(/"(\w+)"/g, (quoted, field: string) =>
      values.includes(field) ? quoted : (flagOf(field) ?? quoted),
    )
    .replace(/^catchUp /, "--catch-up ");
}

/** `deliver` as the schema takes it, from "last", "none" or "telegram:<chatId>". */
function parseDeliver(value: string): CronAddInput["deliver"] {
  const text = value.trim();
  if (text === "last" || text === "none") return text;
  const colon = text.indexOf(":");
  const channel = text.slice(0, colon).trim().toLowerCase();
  const chatId = text.slice(colon + 1).trim();
  if (colon <= 0 || chatId === "") {
    throw new UsageError(
      `--deliver "${value}" is not "last" (the chat you last wrote from), "none" (kept in the run history) or <channel>:<chatId> like "telegram:123456789".`,
    );
  }
  if (!(DELIVERY_CHANNELS as readonly string[]).includes(channel)) {
    throw new UsageError(
      `--deliver cannot send to "${channel}": replies can go to ${DELIVERY_CHANNELS.map((c) => `${c}:<chatId>`).join(", ")}, "last" or "none".`,
    );
  }
  return { channel: channel as (typeof DELIVERY_CHANNELS)[number], chatId };
}

/** The flags given, as the service's input (not yet validated). */
export function inputFrom(flags: JobFlags): Record<string, unknown> {
  const { json: _json, pause: _pause, resume: _resume, deliver, ...text } = flags as EditFlags;
  const input: Record<string, unknown> = Object.fromEntries(
    Object.entries(text).filter(([, value]) => value !== undefined),
  );
  if (deliver !== undefined) input["deliver"] = parseDeliver(deliver);
  return input;
}

/** Validates with the service's own schema; each problem names its flag. */
export function validated<T>(schema: z.ZodType<T>, input: Record<string, unknown>): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    return `${flagOf(field) ?? (field || "input")}: ${issue.message}`;
  });
  throw new UsageError(problems.join("; "));
}

/** Runs a service call; its input errors are the user's to fix, so they print as usage errors. */
export async function guarded<T>(work: () => Promise<T>, id?: string, values: string[] = []): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CronNotFoundError) {
      throw new UsageError(`There is no cron job "${id}"; see \`agent-claw cron list\` for the ids.`);
    }
    if (error instanceof CronInputError) throw new UsageError(inFlagWords(error.message, values));
    throw error;
  }
}

export function parseLimit(value: string | undefined): number {
  if (value === undefined) return 20;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUNS) {
    throw new UsageError(`--limit "${value}" is not a whole number from 1 to ${MAX_RUNS}.`);
  }
  return limit;
}
