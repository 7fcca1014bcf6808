// `agent-claw runtime`: AgentCore Runtime's HTTP contract (GET /ping, POST /invocations) over Hono,
// loaded by listen.ts on the first request that is not a /ping; the engine loads on the first invocation.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { declaresJson, JSON_ONLY_MESSAGE } from "../gateway/request-body.ts";
import {
  type LoadRuntimeTurn,
  negotiate,
  NOT_ACCEPTABLE_MESSAGE,
  OTHER_SESSION_MESSAGE,
  readSessionId,
  type RuntimeTurn,
  SESSION_HEADER,
} from "./invocation.ts";
import type { PingState } from "./ping-state.ts";

export interface RuntimeAppOptions {
  ping: PingState;
  /** Fires when the process is told to stop (SIGTERM): a running turn ends, saving what it wrote. */
  shutdown?: AbortSignal;
  /** Loads the turn runner for the session served; called on the first invocation, again after a failed load. */
  load: LoadRuntimeTurn;
}

const failure = (message: string, kind?: string) => ({ error: { message, ...(kind && { kind }) } });

export const BUSY_MESSAGE =
  "A turn is already running in this runtime session (it takes one at a time): retry when /ping says Healthy.";

export function createRuntimeApp(options: RuntimeAppOptions): Hono {
  const { ping } = options;
  let loading: Promise<RuntimeTurn> | undefined;
  // The session this process serves: the first one invoked (AgentCore gives each session its own microVM).
  let bound: string | undefined;
  const load = (sessionId: string) => {
    loading ??= options.load(sessionId).catch((error: unknown) => {
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
    if (bound !== undefined && session.id !== bound) return c.json(failure(OTHER_SESSION_MESSAGE), 409);
    const { readTurnInvocation } = await import("./turn-body.ts");
    const body = await readTurnInvocation(c);
    if ("problem" in body) return c.json(failure(body.problem), 400);
    const invocation = body.turn;
    if (!ping.begin()) return c.json(failure(BUSY_MESSAGE), 409);
    bound ??= session.id;
    const controller = new AbortController();
    const stop = () => controller.abort(new Error("the runtime is stopping (SIGTERM)"));
    if (options.shutdown?.aborted) stop();
    options.shutdown?.addEventListener("abort", stop, { once: true });
    const finish = () => {
      options.shutdown?.removeEventListener("abort", stop);
      ping.end();
    };
    let turn: RuntimeTurn;
    try {
      turn = await load(session.id);
    } catch (error) {
      finish();
      const message = error instanceof Error ? error.message : String(error);
      return c.json(failure(`The runtime cannot start its engine: ${message}`, "internal"), 500);
    }

    if (mode === "json") {
      try {
        return c.json(await turn.run(invocation, () => {}, controller.signal));
      } catch (error) {
        return c.json({ error: turn.describe(error, controller.signal.aborted) }, 500);
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
        await send(await turn.run(invocation, (event) => void send(event), controller.signal));
      } catch (error) {
        await send(turn.describe(error, controller.signal.aborted), "error");
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
