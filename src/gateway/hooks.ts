// Webhooks for other programs: /hooks/wake posts a system event for the main session and wakes the
// heartbeat (wakes within 250 ms are one turn); /hooks/agent runs an isolated turn and can POST its
// outcome to a URL (the job's after-turn work, retried with the job). Both store their work durably
// and answer 202 at once; an Idempotency-Key makes a sender's retries one event or job.
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { internalTurnJob } from "../core/intake/turn-job.ts";
import type { ChannelContext } from "../core/messages.ts";
import { DEFAULT_AGENT_ID, mainSessionKey, normalizeSessionKey } from "../core/session-key.ts";
import { refuseWhileDraining, requireToken, type RouteModule } from "./app.ts";
import { idempotencyKey, JSON_ONLY_MESSAGE, readBody, requireJsonBody } from "./request-body.ts";

const text = (field: string) =>
  z
    .string({ error: `required: the ${field} text` })
    .trim()
    .min(1, `the ${field} is empty`)
    .max(100_000);

const wakeSchema = z.strictObject({ text: text("event") });

const agentSchema = z.strictObject({
  message: text("message"),
  sessionKey: z.string().trim().min(1, "must not be empty (leave it out for a fresh session)").optional(),
  deliver: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    })
    .optional(),
});

const HOOK_CHANNEL: ChannelContext = {
  channel: "hook",
  chatKind: "dm",
  description:
    "a webhook from another program (no person is waiting on this reply; nobody can approve actions)",
  interactive: false,
};

/** Escapes an idempotency key for a session key segment (as session-key.ts escapes ids). */
const keyPart = (value: string) => value.replaceAll("%", "%25").replaceAll(":", "%3A");

const problem = (c: Context, message: string, field: string | null = null) =>
  c.json({ error: { message, field } }, 400);

/** How long an accepted hook job is known as pending (without an outcome) before it is "unknown". */
const ACCEPTED_KEPT_MS = 7 * 24 * 60 * 60_000;
const acceptedKey = (jobId: string) => `hook-accepted:${jobId}`;

/** The hook routes. */
export function createHooks(): RouteModule {
  return (app, ctx) => {
    const guard = [
      requireToken(ctx),
      refuseWhileDraining(ctx),
      requireJsonBody((c) => c.json({ error: { message: JSON_ONLY_MESSAGE, field: null } }, 415)),
      bodyLimit({ maxSize: 1024 * 1024, onError: (c) => problem(c, "The request body is over 1 MiB.") }),
    ] as const;

    app.post("/hooks/wake", ...guard, async (c) => {
      const body = await readBody(c, wakeSchema);
      if (!body.ok) return problem(c, body.problem.message, body.problem.param);
      const idem = idempotencyKey(c);
      if (idem.problem) return problem(c, idem.problem.message, idem.problem.param);
      const eventId = `hook:wake:${idem.key ?? randomUUID()}`;
      const sessionKey = mainSessionKey();
      const { clock, cron } = ctx.assistant.ports;
      // A retry is one event, also after the heartbeat took the first (its id is kept for a day).
      const fresh = await cron.postEvent({
        id: eventId,
        sessionKey,
        text: body.value.text,
        at: clock.now(),
      });
      // Wakes within 250 ms make one heartbeat, which tells the model these are system events.
      if (fresh) ctx.heartbeat.wake("hooks/wake");
      return c.json({ eventId, sessionKey, ...(!fresh && { duplicate: true }) }, 202);
    });

    app.post("/hooks/agent", ...guard, async (c) => {
      const body = await readBody(c, agentSchema);
      if (!body.ok) return problem(c, body.problem.message, body.problem.param);
      const idem = idempotencyKey(c);
      if (idem.problem) return problem(c, idem.problem.message, idem.problem.param);
      const name = idem.key ?? randomUUID();
      const jobId = `hook:agent:${name}`;
      let sessionKey = `agent:${DEFAULT_AGENT_ID}:hook:${keyPart(name)}`;
      if (body.value.sessionKey !== undefined) {
        sessionKey = normalizeSessionKey(body.value.sessionKey);
        if (!sessionKey.startsWith(`agent:${DEFAULT_AGENT_ID}:`) || sessionKey.endsWith(":")) {
          return problem(
            c,
            `sessionKey "${body.value.sessionKey}" is not a session of agent "main".`,
            "sessionKey",
          );
        }
      }
      const deliver = body.value.deliver;
      const fresh = await ctx.runner.submit(
        internalTurnJob({
          id: jobId,
          sessionKey,
          channel: HOOK_CHANNEL,
          sender: "hook",
          origin: "hook",
          chatId: sessionKey,
          text: body.value.message,
          at: ctx.assistant.ports.clock.now(),
          ...(deliver && { after: [{ kind: "hookCallback", url: deliver.url }] }),
        }),
      );
      // Known as pending from any process, also after a restart, until its outcome is stored (also
      // for a repeat: a crash right after queueing must not leave it unknown).
      await ctx.assistant.ports.values.put(acceptedKey(jobId), true, { ttlMs: ACCEPTED_KEPT_MS });
      return c.json({ jobId, sessionKey, ...(!fresh && { duplicate: true }) }, 202);
    });

    app.get("/hooks/agent/:jobId", requireToken(ctx), async (c) => {
      const jobId = c.req.param("jobId");
      if (!jobId.startsWith("hook:")) {
        return c.json(
          { error: { message: `"${jobId}" is not a hook job id (they start with "hook:").` } },
          404,
        );
      }
      const record = await ctx.assistant.ports.outbox.get(jobId);
      if (record) {
        const { sessionKey, status, reply, usage, deliveredAt } = record;
        return c.json({ jobId, sessionKey, status, reply, usage, delivered: deliveredAt !== undefined });
      }
      if (await ctx.assistant.ports.values.get(acceptedKey(jobId))) {
        return c.json({ jobId, status: "pending" }, 202);
      }
      return c.json(
        { error: { message: `No hook job "${jobId}": it was never accepted, or over a week ago.` } },
        404,
      );
    });
  };
}

/** The hook routes. */
export const hooks: RouteModule = createHooks();
