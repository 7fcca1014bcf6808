// chat.send, chat.history, chat.abort: the web chat. A message becomes a durable TurnJob; its turn
// streams back as `chat` events through the relay; the transcript is read back for history.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { ChannelContext } from "../../core/messages.ts";
import { mainSessionKey } from "../../core/session-key.ts";
import { WEB_CHAT } from "../last-route.ts";
import { historyMessages } from "./chat-history.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";
import { optionalSessionKeyParam } from "./params.ts";

/** How the web chat appears in the system prompt. */
export const WEB_CHANNEL: ChannelContext = {
  channel: "web",
  chatKind: "dm",
  description: "the web chat",
  // exec's approvals are asked in the chat (gateway/approval/web-approval.ts).
  interactive: true,
};

const sendParams = z
  .object({
    text: z
      .string({ error: "expected a string" })
      .refine((text) => text.trim().length > 0, "must not be empty or only spaces"),
    sessionKey: optionalSessionKeyParam,
    idempotencyKey: z
      .string({ error: "expected a string" })
      .min(1, "must not be empty")
      .max(200, "at most 200 characters")
      .optional(),
  })
  .strict();

const historyParams = z
  .object({
    sessionKey: optionalSessionKeyParam,
    limit: z
      .number({ error: "expected a number" })
      .int("expected a whole number")
      .min(1, "at least 1")
      .max(1000, "at most 1000")
      .default(200),
  })
  .strict();

const abortParams = z
  .object({
    sessionKey: optionalSessionKeyParam,
    jobId: z.string({ error: "expected a string" }).min(1, "must not be empty").optional(),
  })
  .strict();

export const chatMethods: MethodTable = {
  "chat.send": method(
    sendParams,
    async (params, { gateway, relay, client, afterResponse }) => {
      const at = gateway.assistant.ports.clock.now();
      if (!gateway.config().model) {
        throw new ControlError(
          "unavailable",
          "No model is configured. Choose one in the setup card on the web UI's Chat page (or run `agent-claw onboard`), then send again.",
        );
      }
      const id = `ws:${params.idempotencyKey ?? randomUUID()}`;
      const job: TurnJob = {
        id,
        sessionKey: params.sessionKey,
        channel: WEB_CHANNEL,
        message: {
          id,
          channel: "web",
          account: "default",
          chat: { id: params.sessionKey, kind: "dm" },
          sender: { id: "web-user", name: "you" },
          text: params.text,
          at,
        },
      };
      // Followed before it is submitted, so not one delta is missed; events wait for the answer.
      const follow = relay.follow(job, client);
      let accepted: boolean;
      try {
        // A reply stored earlier (a resend after the queue's duplicate window) is replayed, not queued.
        const stored = await gateway.assistant.ports.outbox.get(id);
        accepted = stored ? false : await gateway.runner.submit(job);
      } catch (error) {
        follow.cancel();
        throw error;
      }
      afterResponse(follow.release);
      // Alerts and reminders for "last" come here while the web chat is where the owner last wrote.
      if (job.sessionKey === mainSessionKey()) gateway.lastRoute.note(WEB_CHAT);
      return { jobId: id, sessionKey: job.sessionKey, accepted };
    },
    { refuseWhileDraining: true },
  ),

  "chat.history": method(historyParams, async ({ sessionKey, limit }, { gateway }) => {
    const sessions = gateway.assistant.ports.sessions;
    const meta = await sessions.get(sessionKey);
    if (!meta) return { sessionKey, sessionId: null, messages: [] };
    const entries = (await sessions.load(meta.sessionId)).slice(-limit);
    const messages = historyMessages(entries, gateway.config().heartbeat.ackMaxChars);
    return { sessionKey, sessionId: meta.sessionId, messages };
  }),

  "chat.abort": method(abortParams, ({ sessionKey, jobId }, { gateway }) => ({
    aborted: gateway.runner.abort(jobId !== undefined ? { jobId } : { sessionKey }),
  })),
};
