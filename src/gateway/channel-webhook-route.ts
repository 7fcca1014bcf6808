// POST /<channel>/webhook: a chat platform's calls (Telegram's in webhook mode), dispatched through the
// channel registry. The channel checks its secret before the body is read; 200 as soon as the update is
// durably queued (never after the turn), 5xx only when it could not be, so the platform's retry is right.
import { bodyLimit } from "hono/body-limit";
import { unknownChannel } from "../channels/registry.ts";
import type { RouteModule } from "./app.ts";

export const channelWebhookRoute: RouteModule = (app, ctx) => {
  app.post(
    "/:channel/webhook",
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.text("update too large", 413) }),
    async (c) => {
      const id = c.req.param("channel");
      const channel = ctx.channels.get(id);
      if (!channel) {
        const { status, text } = unknownChannel(id, ctx.channels);
        return c.text(text, status);
      }
      if (ctx.draining()) return c.text("restarting, retry later", 503, { "retry-after": "5" });
      let unreadable = false;
      const read = () =>
        c.req.json().catch(() => {
          unreadable = true;
          return null;
        });
      try {
        const { status, text } = await channel.webhook(c.req.raw.headers, read);
        if (unreadable) return c.text("the body is not JSON", 400);
        return c.text(text, status as 200 | 401 | 404);
      } catch (error) {
        ctx.logs.log("error", `${id}: a webhook update could not be queued: ${(error as Error).message}`);
        return c.text("could not queue the update; retry", 500);
      }
    },
  );
};
