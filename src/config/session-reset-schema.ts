// The config's session.reset and session.resetByType (OpenClaw's names and meaning): when a
// conversation starts fresh by itself. Rules are read by src/core/session-reset/reset-policy.ts.
import { z } from "zod";

const modeSchema = z
  .enum(["daily", "idle", "off"], {
    error: 'mode "daily" (a fresh conversation every day at atHour), "idle" (after idleMinutes) or "off"',
  })
  .describe(
    "daily: a fresh conversation each day at atHour; idle: after idleMinutes without a message; off: only /new.",
  );

const atHourSchema = z
  .number()
  .int("atHour is a whole hour, 0 to 23")
  .min(0, "atHour is an hour of the day, 0 to 23")
  .max(23, "atHour is an hour of the day, 0 to 23")
  .describe("Hour of the daily reset in the assistant's time zone (agent.timezone), 0-23.");

const idleMinutesSchema = z
  .number()
  .int("idleMinutes is a whole number of minutes")
  .min(1, "idleMinutes is at least 1")
  .max(525_600, "idleMinutes is at most 525600 (a year)")
  .describe("Minutes without a person's message after which the next one starts a fresh conversation.");

/** session.reset: every field has its default, so the rule always exists. */
export const sessionResetSchema = z
  .object({
    mode: modeSchema.default("daily"),
    atHour: atHourSchema.default(4),
    idleMinutes: idleMinutesSchema
      .optional()
      .describe(
        "Minutes without a person's message before a fresh conversation. With mode daily too: whichever comes first. Mode idle without it: 60.",
      ),
  })
  .strict()
  .describe(
    "When a conversation starts fresh by itself (the old transcript is kept and memory is flushed first). Default: daily at 04:00.",
  );

/** One kind's override: only the fields given replace session.reset's. */
const resetOverrideSchema = z
  .object({
    mode: modeSchema.optional(),
    atHour: atHourSchema.optional(),
    idleMinutes: idleMinutesSchema.optional(),
  })
  .strict();

/** session.resetByType: per kind of chat, as OpenClaw names them (`dm` is its older name for `direct`). */
export const sessionResetByTypeSchema = z
  .object({
    direct: resetOverrideSchema.optional().describe("Direct chats (and the main session)."),
    dm: resetOverrideSchema
      .optional()
      .describe("OpenClaw's older name for direct; direct wins when both are set."),
    group: resetOverrideSchema.optional().describe("Group chats."),
    thread: resetOverrideSchema.optional().describe("Threads in a group (Telegram forum topics)."),
  })
  .strict()
  .describe(
    'Reset rules per kind of chat, e.g. {"group": {"mode": "idle", "idleMinutes": 120}}; fields not given come from session.reset.',
  );
