// The gateway's HTTP surface as one Hono app (web-standard Request/Response, so the same handlers can
// later run in Lambda). Route modules register themselves here.
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { authorized, bearer } from "./auth.ts";
import type { GatewayContext } from "./gateway-context.ts";

/** The client's address; undefined outside Node (tests calling app.request directly). */
export function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Requires `Authorization: Bearer <token>` (or a trusted loopback client); answers 401 otherwise. */
export function requireToken(ctx: GatewayContext): MiddlewareHandler {
  return async (c, next) => {
    if (!authorized(ctx.auth, bearer(c.req.header("authorization")), remoteAddress(c))) {
      return c.json(
        {
          error: {
            message:
              "Missing or wrong gateway token. Send `Authorization: Bearer <token>` (AGENT_CLAW_GATEWAY_TOKEN, gateway.token, or <home>/gateway.token).",
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        },
        401,
      );
    }
    await next();
  };
}

/** Answers 503 while the gateway drains for a shutdown, so clients retry elsewhere or later. */
export function refuseWhileDraining(ctx: GatewayContext): MiddlewareHandler {
  return async (c, next) => {
    if (ctx.draining()) {
      c.header("retry-after", "5");
      return c.json(
        { error: { message: "The gateway is shutting down; retry in a few seconds.", type: "unavailable" } },
        503,
      );
    }
    await next();
  };
}

export type RouteModule = (app: Hono, ctx: GatewayContext) => void;

export function createGatewayApp(ctx: GatewayContext, modules: RouteModule[] = []): Hono {
  const app = new Hono();
  app.get("/healthz", (c) =>
    c.json({ ok: true, version: ctx.version, uptimeMs: ctx.assistant.ports.clock.now() - ctx.startedAt }),
  );
  app.get("/readyz", (c) => {
    if (ctx.draining()) return c.json({ ready: false, reason: "draining" }, 503);
    if (!ctx.ready()) return c.json({ ready: false, reason: "starting" }, 503);
    if (!ctx.config().model)
      return c.json({ ready: false, reason: "no model configured (set AGENT_CLAW_MODEL or model)" }, 503);
    return c.json({ ready: true });
  });
  for (const register of modules) register(app, ctx);
  return app;
}
