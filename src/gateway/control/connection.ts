// One control connection: the handshake, one response per request frame (a bad frame never closes
// the socket), numbered events, and cleanup of everything it started when the socket closes.
import type { WSMessageReceive } from "hono/ws";
import { authenticate, connectParams, hello, type UpgradeCredentials } from "./handshake.ts";
import { ControlError, type EventFrame, isProblem, parseFrame, type ResponseFrame } from "./frames.ts";
import type { ControlClient, ControlServices, MethodContext, MethodTable } from "./methods.ts";
import { parseParams } from "./params.ts";

/** Close codes the gateway uses besides the standard ones. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_CONNECT_TIMEOUT = 4408;
/** Standard "try again later": the client does not read its events fast enough. */
export const CLOSE_TOO_SLOW = 1013;

/** The socket under a connection (ws's WebSocket, or a fake in tests). */
export interface ControlSocket {
  readonly open: boolean;
  /** Bytes queued but not yet sent. */
  readonly bufferedAmount: number;
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface ConnectionOptions {
  id: number;
  socket: ControlSocket;
  services: ControlServices;
  methods: MethodTable;
  upgrade: UpgradeCredentials;
  /** A connection that has not completed `connect` by then is closed with 4408. */
  handshakeTimeoutMs: number;
  /** A client this far behind on reading is closed with 1013 instead of growing memory. */
  maxBufferedBytes: number;
}

export interface Connection extends ControlClient {
  /** True once `connect` succeeded. */
  readonly connected: boolean;
  /** Handles one WebSocket message. Contract: never rejects; every request frame gets one response. */
  receive(data: WSMessageReceive): Promise<void>;
  /** The socket closed: unsubscribes everything this connection started. Safe to call twice. */
  dispose(): void;
}

export function createConnection(options: ConnectionOptions): Connection {
  const { socket, services, methods } = options;
  const names = ["connect", ...Object.keys(methods)];
  const cleanups: Array<() => void> = [];
  let connected = false;
  let viaToken = false;
  let closed = false;
  let seq = 0;

  const log = (level: "info" | "warn" | "error", message: string) =>
    services.gateway.logs.log(level, message);
  const write = (frame: ResponseFrame | EventFrame): boolean => {
    if (closed || !socket.open) return false;
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      socket.close(CLOSE_TOO_SLOW, "client too slow: events piled up unread");
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  };
  const respond = (id: string | null, result: { payload: unknown } | { error: ControlError }) => {
    if ("error" in result) {
      const { code, message } = result.error;
      write({ type: "res", id, ok: false, error: { code, message } });
    } else {
      write({ type: "res", id, ok: true, payload: result.payload });
    }
  };

  const timer = setTimeout(() => {
    if (!connected) socket.close(CLOSE_CONNECT_TIMEOUT, "no connect request in time");
  }, options.handshakeTimeoutMs);
  timer.unref?.();

  const connection: Connection = {
    id: options.id,
    get closed() {
      return closed;
    },
    get connected() {
      return connected;
    },
    get viaToken() {
      return viaToken;
    },
    emit(event, payload) {
      if (write({ type: "event", event, payload, seq: seq + 1 })) seq++;
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },

    async receive(data) {
      if (closed) return;
      const frame = parseFrame(data);
      if (isProblem(frame)) return respond(frame.id, { error: frame.error });
      const after: Array<() => void> = [];
      try {
        respond(frame.id, { payload: await dispatch(frame.method, frame.params, after) });
      } catch (error) {
        if (error instanceof ControlError) {
          respond(frame.id, { error });
          if (frame.method === "connect" && error.code === "unauthorized") {
            const from = options.upgrade.remoteAddress ?? "an unknown address";
            log("warn", `control: refused connection ${options.id} from ${from}: ${error.message}`);
            socket.close(CLOSE_UNAUTHORIZED, "unauthorized");
          }
        } else {
          log("error", `control: ${frame.method} failed: ${(error as Error)?.stack ?? String(error)}`);
          const message = `${frame.method} failed unexpectedly; the gateway log (logs.tail) has the details.`;
          respond(frame.id, { error: new ControlError("internal", message) });
        }
      } finally {
        for (const action of after) action();
      }
    },

    dispose() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      services.relay.drop(connection);
      for (const cleanup of cleanups.splice(0)) {
        try {
          cleanup();
        } catch (error) {
          log("warn", `control: cleanup after connection ${options.id} failed: ${(error as Error).message}`);
        }
      }
    },
  };

  const dispatch = async (name: string, rawParams: unknown, after: Array<() => void>): Promise<unknown> => {
    if (name === "connect") {
      const params = parseParams("connect", connectParams, rawParams);
      viaToken = authenticate(services, params, options.upgrade) === "token";
      if (!connected) {
        connected = true;
        clearTimeout(timer);
        const who = params.client ? `${params.client.name} ${params.client.version}` : "a client";
        log("info", `control: ${who} connected (connection ${options.id})`);
      }
      return hello(services, names);
    }
    if (!connected) {
      throw new ControlError("unauthorized", `Send connect first; "${name}" is refused until then.`);
    }
    // Own keys only: "__proto__" or "toString" from a client are unknown methods, not Object's.
    const method = Object.hasOwn(methods, name) ? methods[name] : undefined;
    if (!method) {
      throw new ControlError("unknown_method", `There is no method "${name}". Methods: ${names.join(", ")}.`);
    }
    const params = parseParams(name, method.params, rawParams);
    if (method.refuseWhileDraining && services.gateway.draining()) {
      throw new ControlError("unavailable", "The gateway is shutting down; try again in a few seconds.");
    }
    const context: MethodContext = { ...services, client: connection, afterResponse: (a) => after.push(a) };
    return method.handler(params, context);
  };

  return connection;
}
