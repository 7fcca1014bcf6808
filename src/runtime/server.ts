// `agent-claw runtime`: AgentCore Runtime's HTTP contract (GET /ping, POST /invocations) over Hono.
// The port opens before the engine loads; the engine and the AI SDK load on the first invocation.
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { declaresJson, JSON_ONLY_MESSAGE } from "../gateway/request-body.ts";
import {
  negotiate,
  NOT_ACCEPTABLE_MESSAGE,
  readSessionId,
  type RuntimeTurn,
  SESSION_HEADER,
} from "./invocation.ts";
import { createPingState, type PingState } from "./ping-state.ts";

export interface RuntimeAppOptions {
  ping: PingState;
  /** Loads the turn runner; called on the first invocation, again after a failed load. */
  load: () => Promise<RuntimeTurn>;
}

const failure = (message: string) => ({ error: { message } });

export const BUSY_MESSAGE =
  "A turn is already running in this runtime session (it takes one at a time): retry when /ping says Healthy.";

export function createRuntimeApp(options: RuntimeAppOptions): Hono {
  const { ping } = options;
  let loading: Promise<RuntimeTurn> | undefined;
  const load = () => {
    loading ??= options.load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const app = new Hono();

  app.get("/ping", (c) => c.json(ping.snapshot()));

  app.post("/invocations", async (c) => {
    const session = readSessionId(c.req.header(SESSION_HEADER));
    if ("problem" in session) return c.json(failure(session.problem), 400);
    const mode = negotiate(c.req.header("accept"));
    if (mode === null) return c.json(failure(NOT_ACCEPTABLE_MESSAGE), 406);
    // A page in a browser can post text/plain to 127.0.0.1 unasked, but not JSON (CORS preflight).
    if (!declaresJson(c.req.header("content-type"))) return c.json(failure(JSON_ONLY_MESSAGE), 415);
    const { readTurnJob } = await import("./turn-job-body.ts");
    const body = await readTurnJob(c);
    if ("problem" in body) return c.json(failure(body.problem), 400);
    const { job } = body;
    if (!ping.begin()) return c.json(failure(BUSY_MESSAGE), 409);
    const controller = new AbortController();
    const finish = () => ping.end();
    let turn: RuntimeTurn;
    try {
      turn = await load();
    } catch (error) {
      finish();
      const message = error instanceof Error ? error.message : String(error);
      return c.json(failure(`The runtime cannot start its engine: ${message}`), 500);
    }

    if (mode === "json") {
      try {
        const result = await turn.run(job, () => {}, controller.signal);
        return c.json({ reply: result.reply, usage: result.usage });
      } catch (error) {
        return c.json(failure(turn.describe(error)), 500);
      } finally {
        finish();
      }
    }

    return streamSSE(c, async (stream) => {
      // A client that goes away ends the turn rather than leaving the session busy.
      stream.onAbort(() => controller.abort(new Error("the client closed the event stream")));
      // Frames are written in order: each write waits for the one before it.
      let writing: Promise<void> = Promise.resolve();
      const send = (data: unknown, event?: string) => {
        // A frame to a client that has gone is dropped; the turn still finishes and is kept.
        writing = writing
          .then(() => stream.writeSSE({ data: JSON.stringify(data), ...(event && { event }) }))
          .catch(() => {});
        return writing;
      };
      try {
        const result = await turn.run(job, (event) => void send(event), controller.signal);
        await send({ type: "result", reply: result.reply, usage: result.usage });
      } catch (error) {
        await send({ message: turn.describe(error) }, "error");
      } finally {
        finish();
      }
    });
  });

  app.notFound((c) =>
    c.json(failure("Not found: this server answers GET /ping and POST /invocations."), 404),
  );
  return app;
}

export interface RuntimeServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port; resolves once the port is open (nothing heavy has loaded by then). */
export function startRuntime(options: {
  port: number;
  host: string;
  now: () => number;
  load: () => Promise<RuntimeTurn>;
}): Promise<RuntimeServer> {
  const app = createRuntimeApp({ ping: createPingState(options.now), load: options.load });
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host },
      (info) => {
        const host = info.address.includes(":") ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      },
    );
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `The runtime cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}): choose another with --port or --host.`,
        ),
      );
    });
  });
}
