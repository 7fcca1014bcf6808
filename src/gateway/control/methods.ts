// What a control method is: a zod schema for its params and a handler; and what a handler may use
// (the gateway, the chat relay, and its own connection). Method groups live in *-methods.ts files.
import type { z } from "zod";
import type { GatewayContext } from "../gateway-context.ts";
import type { ChatRelay } from "./chat-relay.ts";

/** The connection a request came in on, as a handler sees it. */
export interface ControlClient {
  /** Unique per gateway, for logs. */
  readonly id: number;
  /** True once the socket closed: nothing more reaches the client. */
  readonly closed: boolean;
  /** True when `connect` presented the gateway token, false when loopback trust let the client in. */
  readonly viaToken: boolean;
  /** Sends an event (numbered by the connection). Contract: a no-op once closed; never throws. */
  emit(event: string, payload: unknown): void;
  /** Runs `cleanup` when the connection closes (at once if it already has). */
  onClose(cleanup: () => void): void;
}

/** What the gateway shares with every connection's handlers. */
export interface ControlServices {
  gateway: GatewayContext;
  relay: ChatRelay;
  /** Connections that completed `connect`, for channels.status. */
  connectedClients(): number;
  /** The HTTP routes the gateway serves, for channels.status. */
  routes(): ReadonlyArray<{ method: string; path: string }>;
}

/** Everything a handler gets besides its params. */
export interface MethodContext extends ControlServices {
  client: ControlClient;
  /**
   * Runs `action` right after this request's response was sent, so that events a request starts
   * (chat deltas, followed log lines) always come after its answer.
   */
  afterResponse(action: () => void): void;
}

/** One method. */
export interface ControlMethod {
  params: z.ZodType;
  /** Refused with `unavailable` while the gateway drains (methods that start work or change state). */
  refuseWhileDraining?: boolean;
  /** Contract: returns the response payload, or throws a ControlError (anything else is `internal`). */
  handler(params: unknown, context: MethodContext): unknown;
}

/** Method name → method. */
export type MethodTable = Record<string, ControlMethod>;

/** Declares a method whose handler sees its params with the schema's output type. */
export function method<S extends z.ZodType>(
  params: S,
  handler: (params: z.output<S>, context: MethodContext) => unknown,
  options: { refuseWhileDraining?: boolean } = {},
): ControlMethod {
  return { params, handler: (p, context) => handler(p as z.output<S>, context), ...options };
}

/**
 * A per-connection subscription (logs.tail follow, cron.follow): following twice is one follow, a
 * closed connection never starts one, and closing the connection ends it.
 */
export function createFollowers() {
  const following = new WeakMap<ControlClient, () => void>();
  const unfollow = (client: ControlClient) => {
    following.get(client)?.();
    following.delete(client);
  };
  return {
    /** Starts `subscribe` (which returns its stop) for `client`, unless it already follows. */
    follow(client: ControlClient, subscribe: () => () => void): void {
      if (client.closed || following.has(client)) return;
      following.set(client, subscribe());
      client.onClose(() => unfollow(client));
    },
    unfollow,
  };
}
