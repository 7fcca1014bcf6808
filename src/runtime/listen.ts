// The runtime's port: node:http answers GET /ping itself from the first moment (AgentCore's health check,
// within its cold-start budget), and hands every other request to the Hono app, loaded on the first one.
// Only this file, ping-state.ts and node:http load before the port opens.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { LoadRuntimeTurn } from "./invocation.ts";
import { createPingState } from "./ping-state.ts";

export interface RuntimeServer {
  url: string;
  /** Contract: stops a running turn (its files are still saved), then resolves once every connection has closed. */
  close(): Promise<void>;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Listens on host:port; resolves once the port is open (nothing heavy has loaded by then). */
export function startRuntime(options: {
  port: number;
  host: string;
  /** Milliseconds (the Clock port's now), for /ping's time_of_last_update. */
  now: () => number;
  load: LoadRuntimeTurn;
}): Promise<RuntimeServer> {
  const ping = createPingState(options.now);
  const shutdown = new AbortController();
  let app: Promise<Listener> | undefined;
  const loadApp = async (): Promise<Listener> => {
    const [{ getRequestListener }, { createRuntimeApp }] = await Promise.all([
      import("@hono/node-server"),
      import("./server.ts"),
    ]);
    return getRequestListener(
      createRuntimeApp({ ping, load: options.load, shutdown: shutdown.signal }).fetch,
    );
  };
  const server = createServer((req, res) => {
    // While closing, a connection whose last response just ended would otherwise stay open until its
    // keep-alive times out (seconds), holding close() open with it.
    res.once("finish", () => {
      if (shutdown.signal.aborted) setImmediate(() => server.closeIdleConnections());
    });
    if (req.method === "GET" && (req.url === "/ping" || req.url?.startsWith("/ping?"))) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ping.snapshot()));
      return;
    }
    app ??= loadApp();
    app.then(
      (listener) => listener(req, res),
      (error: unknown) => {
        app = undefined;
        const message = `The runtime cannot load its server: ${error instanceof Error ? error.message : String(error)}`;
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message } }));
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `The runtime cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}): choose another with --port or --host.`,
        ),
      );
    });
    server.listen(options.port, options.host, () => {
      const info = server.address() as { address: string; port: number };
      const host = info.address.includes(":") ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            // A running turn is stopped, not waited for: it saves what it wrote and answers, then the port closes.
            shutdown.abort();
            server.close(() => done());
            // A kept-alive client connection would hold close() open until it idles out.
            server.closeIdleConnections();
          }),
      });
    });
  });
}
