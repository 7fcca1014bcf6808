// Mounts the control protocol at GET /ws: checks the browser Origin at the upgrade, then gives each
// WebSocket a Connection that speaks docs/gateway-protocol.md.
import { upgradeWebSocket } from "@hono/node-server";
import type { MiddlewareHandler } from "hono";
import type { WebSocket } from "ws";
import { peerOf, requestFacts, type RouteModule, servedNames } from "../app.ts";
import { bearer } from "../auth.ts";
import { originAllowed, originRefusal } from "../request-origin.ts";
import { approvalMethods } from "./approval-methods.ts";
import { chatMethods } from "./chat-methods.ts";
import { type ChannelStatusSource, builtInChannels, channelsMethods } from "./channels-methods.ts";
import { createChatRelay } from "./chat-relay.ts";
import { configMethods } from "./config-methods.ts";
import { cronMethods } from "./cron-methods.ts";
import { type Connection, createConnection } from "./connection.ts";
import { logsMethods } from "./logs-methods.ts";
import type { ControlServices, MethodTable } from "./methods.ts";
import { pairingMethods } from "./pairing-methods.ts";
import { sessionsMethods } from "./sessions-methods.ts";
import { setupMethods } from "./setup-methods.ts";
import { statusMethods } from "./status-methods.ts";
import { usageMethods } from "./usage-methods.ts";

export interface ControlRouteOptions {
  /** Time a client has to send `connect` (default 30 s). */
  handshakeTimeoutMs?: number;
  /** Unsent bytes at which a slow client is closed with 1013 (default 8 MiB). */
  maxBufferedBytes?: number;
  /** The channels channels.status reports (default: web, http, cli). */
  channels?: readonly ChannelStatusSource[];
}

/** The control protocol's route module. */
export function createControlRoute(options: ControlRouteOptions = {}): RouteModule {
  return (app, gateway) => {
    const connections = new Set<Connection>();
    const services: ControlServices = {
      gateway,
      relay: createChatRelay({
        events: gateway.events,
        outcome: (id, signal) => gateway.runner.outcome(id, signal),
        shutdown: gateway.shutdown,
      }),
      connectedClients: () => [...connections].filter((c) => c.connected && !c.closed).length,
      routes: () => app.routes,
    };
    const methods: MethodTable = {
      ...statusMethods,
      ...chatMethods,
      ...approvalMethods,
      ...sessionsMethods,
      ...pairingMethods,
      ...cronMethods,
      ...configMethods,
      ...setupMethods,
      ...logsMethods,
      ...usageMethods,
      ...channelsMethods(options.channels ?? builtInChannels),
    };
    let nextId = 0;
    // Every connected client is a web chat that may show the session a notice is about.
    gateway.events.onNotice((notice) => {
      for (const c of connections) if (c.connected && !c.closed) c.emit("notice", notice);
    });

    /** Browsers may connect only from the gateway's own origin or gateway.allowedOrigins. */
    const guard: MiddlewareHandler = async (c, next) => {
      const origin = c.req.header("origin");
      if (!originAllowed(requestFacts(c), servedNames(gateway))) {
        gateway.logs.log("warn", `control: refused a WebSocket from origin ${origin}`);
        return c.text(originRefusal(origin), 403);
      }
      if (gateway.draining()) return c.text("The gateway is shutting down; retry in a few seconds.", 503);
      await next();
    };

    app.get(
      "/ws",
      guard,
      upgradeWebSocket((c) => {
        const peer = peerOf(c, gateway);
        const upgrade = {
          token: bearer(c.req.header("authorization")) ?? c.req.query("token") ?? undefined,
          remoteAddress: peer.address,
          forAnotherSite: peer.forAnotherSite,
        };
        let connection: Connection | undefined;
        return {
          onOpen(_event, ws) {
            const raw = ws.raw as unknown as WebSocket;
            connection = createConnection({
              id: ++nextId,
              services,
              methods,
              upgrade,
              handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30_000,
              maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
              socket: {
                get open() {
                  return raw.readyState === raw.OPEN;
                },
                get bufferedAmount() {
                  return raw.bufferedAmount;
                },
                send: (text) => raw.send(text),
                close: (code, reason) => raw.close(code, reason),
              },
            });
            connections.add(connection);
          },
          onMessage(event) {
            void connection?.receive(event.data);
          },
          onClose() {
            if (!connection) return;
            connection.dispose();
            connections.delete(connection);
          },
          onError(event) {
            const error = (event as Event & { error?: unknown }).error;
            gateway.logs.log("warn", `control: connection ${connection?.id} failed: ${String(error)}`);
          },
        };
      }),
    );
  };
}

/** The control protocol with its defaults, as mounted by the gateway. */
export const controlRoute: RouteModule = createControlRoute();
