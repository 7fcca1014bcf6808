// Opens the gateway's port. A port that is taken, reserved or on an address this machine does not
// have is an everyday mistake: it ends in one sentence saying what to change, not a node:net trace.
import { type ServerType, serve } from "@hono/node-server";
import type { WebSocketServer } from "ws";
import { ConfigError } from "../config/errors.ts";

export interface ListenOptions {
  fetch: Parameters<typeof serve>[0]["fetch"];
  websocket: WebSocketServer;
  port: number;
  bind: string;
}

/** The sentence for a failed listen, or undefined for failures that are not the user's to fix. */
export function listenProblem(error: unknown, bind: string, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const change = "Choose another with `agent-claw gateway --port <port>` or gateway.port in config.json.";
  if (code === "EADDRINUSE") {
    return `Port ${port} on ${bind} is already in use (another gateway or program listens there). ${change}`;
  }
  if (code === "EACCES") {
    return `Port ${port} on ${bind} needs privileges this user does not have (ports below 1024 usually do). ${change}`;
  }
  if (code === "EADDRNOTAVAIL") {
    return `This machine has no address ${bind} to listen on. Use --bind with one of its addresses, or gateway.bind (127.0.0.1 for this machine only).`;
  }
  return undefined;
}

/** Resolves with the listening server. Contract: a taken port etc. rejects with a one-line ConfigError. */
export function listen(options: ListenOptions): Promise<ServerType> {
  const { port, bind } = options;
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve(
      { fetch: options.fetch, port, hostname: bind, websocket: { server: options.websocket } },
      () => resolve(server),
    );
    server.once("error", (error) => {
      const problem = listenProblem(error, bind, port);
      reject(problem ? new ConfigError(problem) : error);
    });
  });
}
