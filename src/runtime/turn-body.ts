// The body of POST /invocations: a turn as the runner sends it ({ turn: TurnRequest's data }), or a bare
// TurnJob (the queued job's shape, as first served), each validated with zod and refused with the fields
// at fault. Loaded on the first invocation: zod is not needed to answer /ping.
import type { Context } from "hono";
import { z } from "zod";
import { asTurnJob, type TurnJob, type TurnOptions } from "../core/intake/turn-job.ts";
import { OWNER_TRUST, trustSchema, type TurnTrust } from "../core/intake/trust.ts";
import type { ChannelContext, DeliveryAddress, InboundMessage } from "../core/messages.ts";
import type { StopReason } from "../core/agent/agent-loop.ts";
import type { TokenUsage } from "../core/transcript.ts";
import type { TurnRequest } from "../core/turn/run-turn.ts";
import { describeIssues } from "../gateway/request-body.ts";

const nonEmpty = (what: string) =>
  z.string({ error: `required: ${what}` }).min(1, `must not be empty (${what})`);
const chatKind = z.enum(["dm", "group"], { error: 'expected "dm" or "group"' });
const address = z.looseObject({
  channel: nonEmpty("the channel to deliver to"),
  account: nonEmpty("the channel account"),
  chatId: nonEmpty("the chat id"),
});
const message = z.looseObject(
  {
    id: nonEmpty("the message id"),
    channel: nonEmpty('the channel it came from, e.g. "telegram"'),
    account: nonEmpty('the channel account, usually "default"'),
    chat: z.looseObject({ id: nonEmpty("the chat id"), kind: chatKind }),
    sender: z.looseObject({ id: nonEmpty("the sender id"), name: z.string().optional() }),
    text: z.string({ error: "required: the message text" }),
    at: z.number({ error: "required: when it was received, in milliseconds" }),
  },
  { error: "required: the message object" },
);
const channelContext = z.looseObject(
  {
    channel: nonEmpty("the channel the turn runs in"),
    chatKind,
    description: z.string({ error: "required: the channel description shown to the model" }),
    interactive: z.boolean({ error: "required: whether a person can approve actions now" }),
  },
  { error: "required: the channel context object" },
);
const options = z.object({ model: z.string().min(1).optional(), light: z.boolean().optional() }).optional();

/** A TurnJob as the queue carries it; fields not named here pass through to asTurnJob. */
export const turnJobSchema = z.looseObject({
  id: nonEmpty('the job id, e.g. "telegram:default:42"'),
  sessionKey: nonEmpty('the session key, e.g. "agent:main:main"'),
  message,
  channel: channelContext,
  deliverTo: address.optional(),
  origin: address.optional(),
  options,
  command: z.string().min(1).optional(),
});

/** The runner's body: a TurnRequest without what cannot cross the wire (signal, listeners, approve, sendFile). */
export const turnInvocationSchema = z.object({
  turn: z
    .object(
      {
        sessionKey: nonEmpty('the session key, e.g. "agent:main:main"'),
        messages: z.array(message).min(1, "must hold at least one message"),
        channel: channelContext,
        turnIds: z.array(nonEmpty("a turn id")),
        trust: z.array(trustSchema),
        origin: address.optional(),
        options,
      },
      { error: "required: the turn object" },
    )
    .refine((turn) => turn.turnIds.length === turn.messages.length, {
      message: "turnIds must hold one id per message",
      path: ["turnIds"],
    })
    .refine((turn) => turn.trust.length === turn.messages.length, {
      message: "trust must hold one entry per message",
      path: ["trust"],
    }),
});

/** A turn as it crosses from the runner to the runtime. */
export interface TurnInvocation {
  turn: {
    sessionKey: string;
    messages: InboundMessage[];
    channel: ChannelContext;
    /** One per message: a retried invocation resumes the turn the transcript already holds. */
    turnIds: string[];
    /** One per message: who wrote it (decides the tools the turn gets). */
    trust: TurnTrust[];
    origin?: DeliveryAddress;
    options?: TurnOptions;
  };
}

/**
 * The body the runner sends for `request`. Contract: the request carries turnIds (processDeliveries sets
 * them); without them a retried invocation could not be told from a new turn, so this throws.
 */
export function toTurnInvocation(request: TurnRequest): TurnInvocation {
  if (!request.turnIds) throw new Error("toTurnInvocation: the turn has no turnIds to resume it by");
  return {
    turn: {
      sessionKey: request.sessionKey,
      messages: request.messages,
      channel: request.channel,
      turnIds: request.turnIds,
      trust: request.trust ?? request.messages.map(() => OWNER_TRUST),
      ...(request.origin && { origin: request.origin }),
      ...(request.options && { options: request.options }),
    },
  };
}

/** A bare TurnJob as a turn: its id is the turn id, its trust read as from the queue. */
export function turnJobAsInvocation(job: TurnJob): TurnInvocation {
  return {
    turn: {
      sessionKey: job.sessionKey,
      messages: [job.message],
      channel: job.channel,
      turnIds: [job.id],
      trust: [job.trust ?? OWNER_TRUST],
      ...(job.origin && { origin: job.origin }),
      ...(job.options && { options: job.options }),
    },
  };
}

export const COMMAND_IN_RUNTIME_MESSAGE =
  "A bot command is answered by the runner Lambda, not in the runtime: send only turns for the model here.";

/** The body as a turn (the runner's form, or a bare TurnJob converted), or the sentence refusing it. */
export async function readTurnInvocation(
  c: Context,
): Promise<{ turn: TurnInvocation } | { problem: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return {
      problem:
        "The request body is not valid JSON. Send a JSON object with `Content-Type: application/json`.",
    };
  }
  if (raw !== null && typeof raw === "object" && "turn" in raw) {
    const parsed = turnInvocationSchema.safeParse(raw);
    if (!parsed.success)
      return { problem: `The body is not a turn: ${describeIssues(parsed.error).message}.` };
    return { turn: parsed.data as TurnInvocation };
  }
  const parsed = turnJobSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problem: `The body is neither a turn ({ "turn": ... }) nor a TurnJob: ${describeIssues(parsed.error).message}.`,
    };
  }
  const job = asTurnJob(parsed.data);
  // The schema has already checked every field asTurnJob looks at.
  if (!job) throw new Error("a validated TurnJob was refused by asTurnJob");
  if (job.command !== undefined) return { problem: COMMAND_IN_RUNTIME_MESSAGE };
  return { turn: turnJobAsInvocation(job) };
}

/** The answer to a turn: the SSE stream's last frame, and the JSON answer (status 200), the same object. */
export interface TurnResultFrame {
  type: "result";
  reply: string;
  usage: TokenUsage;
  sessionId: string;
  steps: number;
  stopReason: StopReason;
}
