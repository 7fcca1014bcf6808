// POST /telegram/webhook: Telegram's calls in webhook mode. The secret is checked before the body is
// read; the answer is 200 as soon as the update is durably queued (never after the turn), 5xx only
// when it could not be queued, so that Telegram's retry is the right thing.
import { bodyLimit } from "hono/body-limit";
import type { RouteModule } from "../app.ts";

export const telegramRoute: RouteModule = (app, ctx) => {
  app.post(
    "/telegram/webhook",
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.text("update too large", 413) }),
    async (c) => {
      if (ctx.draining()) return c.text("restarting, retry later", 503, { "retry-after": "5" });
      let unreadable = false;
      const read = () =>
        c.req.json().catch(() => {
          unreadable = true;
          return null;
        });
      try {
        const status = await ctx.telegram.webhook(c.req.raw.headers, read);
        if (unreadable) return c.text("the body is not JSON", 400);
        if (status === 404)
          return c.text("this gateway takes Telegram updates by long polling, not by webhook", 404);
        if (status === 401) return c.text("unauthorized", 401);
        return c.text("ok", 200);
      } catch (error) {
        ctx.logs.log("error", `telegram: a webhook update could not be queued: ${(error as Error).message}`);
        return c.text("could not queue the update; retry", 500);
      }
    },
  );
};
