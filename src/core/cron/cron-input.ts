// What a person (CLI, web UI) or the model (cron tool) may ask for, validated once with zod and
// turned into a job. Messages say what to change, because the model reads them and tries again.
import { z } from "zod";
import { CHANNEL_IDS } from "../../channels/index.ts";
import { leastTrust, readTrust, type TurnTrust, UNTRUSTED } from "../intake/trust.ts";
import type { DeliveryAddress } from "../messages.ts";
import type { CatchUp, CronAction, CronDelivery, CronJob } from "./cron-job.ts";
import { parseDuration } from "./duration.ts";
import { parseSchedule, type Schedule } from "./schedule.ts";

const text = (what: string, max: number) =>
  z
    .string({ error: `must be the ${what} as text` })
    .trim()
    .min(1, `the ${what} is empty`)
    .max(max);

/** The channels a job's reply can be delivered to: every registered chat channel sends outside a conversation. */
export const DELIVERY_CHANNELS: readonly [string, ...string[]] = CHANNEL_IDS;

export const deliveryAddressSchema = z.strictObject({
  channel: z.enum(DELIVERY_CHANNELS, {
    error: `a channel replies can be delivered to: ${DELIVERY_CHANNELS.join(", ")}`,
  }),
  chatId: text("chat id", 200),
  account: text("account", 100).optional(),
  threadId: text("thread id", 200).optional(),
});

const scheduleFields = {
  at: text('time ("in 20m", "2026-12-24 09:00" or an ISO time)', 100).optional(),
  every: text('interval ("30m", "2h", "1d")', 100).optional(),
  cron: text('cron expression ("0 7 * * 1-5")', 200).optional(),
  tz: text('IANA time zone ("Europe/Berlin")', 100).optional(),
};

const fields = {
  name: text("name", 200).optional(),
  ...scheduleFields,
  systemEvent: text("system event", 10_000)
    .optional()
    .describe("Posted into the main session for the heartbeat to act on (a reminder the assistant relays)."),
  message: text("message", 10_000)
    .optional()
    .describe("Run as a turn of its own session; its reply is delivered to `deliver`."),
  deliver: z
    .union([z.enum(["origin", "last", "none"]), deliveryAddressSchema], {
      error:
        'must be "origin" (the chat the job was made in), "last" (where the user last wrote), "none", or {channel, chatId}',
    })
    .optional(),
  catchUp: text('catch-up policy ("once", "skip", or a lateness like "2h")', 40).optional(),
};

export const cronAddSchema = z.strictObject(fields);
export const cronUpdateSchema = z.strictObject({ ...fields, enabled: z.boolean().optional() });
export type CronAddInput = z.infer<typeof cronAddSchema>;
export type CronUpdateInput = z.infer<typeof cronUpdateSchema>;

/** Who asks: the owner (CLI, web UI) may do anything; a chat may only touch and deliver to itself. */
export type CronScope =
  | { kind: "owner" }
  | {
      kind: "chat";
      origin: DeliveryAddress;
      /** config cron.chatJobsDeliverAnywhere */ deliverAnywhere: boolean;
      /** Who asked (the least trusted writer of the turn): the job runs with that trust. */
      madeBy?: TurnTrust;
    };

export class CronInputError extends Error {}

export function parseCatchUp(value: string): CatchUp {
  if (value === "once" || value === "skip") return { policy: value };
  const maxLateMs = parseDuration(value);
  if (maxLateMs === undefined) {
    throw new CronInputError(`catchUp "${value}" is not "once", "skip" or a lateness like "2h".`);
  }
  return { policy: "ifLate", maxLateMs };
}

function parseDelivery(value: CronAddInput["deliver"], scope: CronScope): CronDelivery {
  const chat = scope.kind === "chat" ? scope : undefined;
  if (value === undefined) return chat ? { mode: "to", to: chat.origin } : { mode: "last" };
  if (value === "none") return { mode: "none" };
  if (value === "origin") {
    if (!chat)
      throw new CronInputError('deliver "origin" needs a chat; give "last", "none" or {channel, chatId}.');
    return { mode: "to", to: chat.origin };
  }
  const delivery: CronDelivery =
    value === "last"
      ? { mode: "last" }
      : {
          mode: "to",
          to: {
            channel: value.channel,
            account: value.account ?? "default",
            chatId: value.chatId,
            ...(value.threadId && { threadId: value.threadId }),
          },
        };
  if (chat && !chat.deliverAnywhere && !(delivery.mode === "to" && sameChat(delivery.to, chat.origin))) {
    throw new CronInputError(
      'A job made in a chat can only deliver to that chat: use deliver "origin" (the default) or "none". The owner can allow more with cron.chatJobsDeliverAnywhere.',
    );
  }
  return delivery;
}

/** The same chat (and topic) of the same channel. */
const sameChat = (a: DeliveryAddress, b: DeliveryAddress) =>
  a.channel === b.channel && a.chatId === b.chatId && (a.threadId ?? "") === (b.threadId ?? "");

function parseAction(input: CronUpdateInput, scope: CronScope, current?: CronAction): CronAction | undefined {
  if (input.systemEvent !== undefined && input.message !== undefined) {
    throw new CronInputError(
      'Give "systemEvent" (a note for the main session) or "message" (a turn of its own), not both.',
    );
  }
  if (input.systemEvent !== undefined) {
    if (input.deliver !== undefined) {
      throw new CronInputError('"deliver" is for "message" jobs; a system event goes to the main session.');
    }
    return { kind: "systemEvent", text: input.systemEvent };
  }
  if (input.message !== undefined) {
    const deliver =
      input.deliver !== undefined || current?.kind !== "agentTurn"
        ? parseDelivery(input.deliver, scope)
        : current.deliver;
    return { kind: "agentTurn", message: input.message, deliver };
  }
  if (input.deliver !== undefined) {
    if (current?.kind !== "agentTurn")
      throw new CronInputError('"deliver" is only for jobs with a "message".');
    return { ...current, deliver: parseDelivery(input.deliver, scope) };
  }
  return current;
}

function scheduleFrom(
  input: CronUpdateInput,
  now: number,
  tz: string,
  current?: Schedule,
): Schedule | undefined {
  if (input.at === undefined && input.every === undefined && input.cron === undefined) {
    if (input.tz === undefined) return undefined;
    // A new zone for the same expression.
    if (current?.kind === "cron") return scheduleFrom({ cron: current.expr, tz: input.tz }, now, tz);
    throw new CronInputError('"tz" goes with "cron" or a local "at" time.');
  }
  const parsed = parseSchedule(input, now, tz);
  if (!parsed.ok) throw new CronInputError(parsed.error);
  return parsed.schedule;
}

/** A new job from `input` (without its first nextRunAt; the service sets it). Throws CronInputError. */
export function jobFromInput(
  input: CronAddInput,
  options: { id: string; now: number; tz: string; scope: CronScope },
): Omit<CronJob, "state"> {
  const schedule = scheduleFrom(input, options.now, options.tz);
  if (!schedule) {
    throw new CronInputError(
      'Say when: "at" (once: "in 20m" or a time), "every" ("30m") or "cron" ("0 7 * * 1-5").',
    );
  }
  const action = parseAction(input, options.scope);
  if (!action) {
    throw new CronInputError(
      'Say what to do: "systemEvent" (a note for the main session, e.g. a reminder) or "message" (a turn whose reply is delivered).',
    );
  }
  const name = input.name ?? (action.kind === "systemEvent" ? action.text : action.message).slice(0, 60);
  return {
    id: options.id,
    name,
    enabled: true,
    schedule,
    action,
    catchUp: input.catchUp ? parseCatchUp(input.catchUp) : { policy: "once" },
    ...(options.scope.kind === "chat" && { origin: options.scope.origin }),
    ...(options.scope.kind === "chat" && options.scope.madeBy && { madeBy: options.scope.madeBy }),
    createdAt: options.now,
    updatedAt: options.now,
  };
}

/** `job` with `patch` applied (schedule, action, name, catch-up, enabled). Throws CronInputError. */
export function applyUpdate(
  job: CronJob,
  patch: CronUpdateInput,
  options: { now: number; tz: string; scope: CronScope },
): CronJob {
  const schedule = scheduleFrom(patch, options.now, options.tz, job.schedule) ?? job.schedule;
  const action = parseAction(patch, options.scope, job.action)!;
  const { scope } = options;
  // Whoever words a job in a chat (its text or name) is one of its makers: it runs with the least trust.
  const worded = patch.name !== undefined || patch.systemEvent !== undefined || patch.message !== undefined;
  const fromChat = job.origin !== undefined;
  return {
    ...job,
    ...(scope.kind === "chat" &&
      worded && { madeBy: leastTrust([readTrust(job.madeBy, fromChat), scope.madeBy ?? UNTRUSTED]) }),
    name: patch.name ?? job.name,
    schedule,
    action,
    catchUp: patch.catchUp ? parseCatchUp(patch.catchUp) : job.catchUp,
    enabled: patch.enabled ?? job.enabled,
    updatedAt: options.now,
  };
}

/** Whether `scope` may see and change `job`: the owner any, a chat the ones it made. */
export function inScope(job: CronJob, scope: CronScope): boolean {
  return scope.kind === "owner" || (job.origin !== undefined && sameChat(job.origin, scope.origin));
}
