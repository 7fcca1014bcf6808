// The gateway's HTTP surface as one Hono app (web-standard Request/Response, so the same handlers can
// later run in Lambda): the front door every request passes (Host, Origin), the token check, and the
// route modules, which register themselves here.
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { channelWebhookPaths } from "../channels/index.ts";
import { authenticatedBy, bearer, type Peer } from "./auth.ts";
import type { GatewayContext } from "./gateway-context.ts";
import {
  hostAllowed,
  originAllowed,
  originRefusal,
  type RequestFacts,
  type ServedNames,
  sentForAnotherSite,
} from "./request-origin.ts";

/** The client's address; undefined outside Node (tests calling app.request directly). */
export function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** The names and origins the gateway answers to now (gateway.allowedHosts/allowedOrigins are hot). */
export function servedNames(ctx: GatewayContext): ServedNames {
  const { allowedHosts, allowedOrigins } = ctx.config().gateway;
  return { bind: ctx.bind, allowedHosts, allowedOrigins };
}

export function requestFacts(c: Context): RequestFacts {
  return {
    host: c.req.header("host"),
    origin: c.req.header("origin"),
    fetchSite: c.req.header("sec-fetch-site"),
  };
}

/** The client as loopback trust sees it: its address, and whether a browser sent it for another site. */
export function peerOf(c: Context, ctx: GatewayContext): Peer {
  return { address: remoteAddress(c), forAnotherSite: sentForAnotherSite(requestFacts(c), servedNames(ctx)) };
}

const READ_ONLY = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Routes for machines that check their own secret before reading anything and grant no loopback
 * trust, so a rebound name gains nothing there; a reverse proxy may pass on the public name
 * (Telegram calls https://your.host/telegram/webhook): every registered channel's webhook path.
 */
const OWN_SECRET_ROUTES = new Set(channelWebhookPaths());

/**
 * Every request: the Host must be a name the gateway serves (no DNS rebinding), and a browser page
 * may change state only from the gateway's own origin or gateway.allowedOrigins.
 */
function frontDoor(ctx: GatewayContext): MiddlewareHandler {
  return async (c, next) => {
    if (OWN_SECRET_ROUTES.has(c.req.path)) return next();
    const facts = requestFacts(c);
    const served = servedNames(ctx);
    if (!hostAllowed(facts.host, served)) {
      ctx.logs.log(
        "warn",
        `refused a request for host ${JSON.stringify(facts.host)} (not in gateway.allowedHosts)`,
      );
      const message = `This gateway does not serve the host name in "Host: ${facts.host}". If you reach it through a reverse proxy or a LAN name, add that name to gateway.allowedHosts.`;
      return c.json({ error: { message, type: "invalid_request_error", code: "host_not_allowed" } }, 403);
    }
    // The WebSocket upgrade is a GET: the control route checks its Origin itself.
    if (!READ_ONLY.has(c.req.method) && !originAllowed(facts, served)) {
      ctx.logs.log("warn", `refused a ${c.req.method} ${c.req.path} from the web page at ${facts.origin}`);
      const message = originRefusal(facts.origin);
      return c.json({ error: { message, type: "invalid_request_error", code: "origin_not_allowed" } }, 403);
    }
    await next();
  };
}

/** Requires `Authorization: Bearer <token>` (or a trusted loopback client); answers 401 otherwise. */
export function requireToken(ctx: GatewayContext): MiddlewareHandler {
  return async (c, next) => {
    if (!authenticatedBy(ctx.auth, bearer(c.req.header("authorization")), peerOf(c, ctx))) {
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
  app.use("*", frontDoor(ctx));
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
