// The body of POST /invocations: a TurnJob (the queued job's shape), validated with zod and refused with
// the fields at fault. Loaded on the first invocation: zod is not needed to answer /ping.
import type { Context } from "hono";
import { z } from "zod";
import { asTurnJob, type TurnJob } from "../core/intake/turn-job.ts";
import { readBody } from "../gateway/request-body.ts";

const nonEmpty = (what: string) =>
  z.string({ error: `required: ${what}` }).min(1, `must not be empty (${what})`);
const chatKind = z.enum(["dm", "group"], { error: 'expected "dm" or "group"' });
const address = z.looseObject({
  channel: nonEmpty("the channel to deliver to"),
  account: nonEmpty("the channel account"),
  chatId: nonEmpty("the chat id"),
});

/** A TurnJob as the queue carries it; fields not named here pass through to asTurnJob. */
export const turnJobSchema = z.looseObject({
  id: nonEmpty('the job id, e.g. "telegram:default:42"'),
  sessionKey: nonEmpty('the session key, e.g. "agent:main:main"'),
  message: z.looseObject(
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
  ),
  channel: z.looseObject(
    {
      channel: nonEmpty("the channel the turn runs in"),
      chatKind,
      description: z.string({ error: "required: the channel description shown to the model" }),
      interactive: z.boolean({ error: "required: whether a person can approve actions now" }),
    },
    { error: "required: the channel context object" },
  ),
  deliverTo: address.optional(),
  origin: address.optional(),
  options: z.object({ model: z.string().min(1).optional(), light: z.boolean().optional() }).optional(),
  command: z.string().min(1).optional(),
});

/** The body as the job the engine runs (trust and follow-up work read as from the queue), or why not. */
export async function readTurnJob(c: Context): Promise<{ job: TurnJob } | { problem: string }> {
  const body = await readBody(c, turnJobSchema);
  if (!body.ok) return { problem: `The body is not a TurnJob: ${body.problem.message}.` };
  const job = asTurnJob(body.value);
  // The schema has already checked every field asTurnJob looks at.
  if (!job) throw new Error("a validated TurnJob was refused by asTurnJob");
  return { job };
}
