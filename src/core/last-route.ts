// The chat the owner last wrote from (in the main session), kept in the Values port so that cron
// jobs and heartbeat alerts with target "last" reach it from any process. Before any, the web chat.
import { z } from "zod";
import type { Values } from "../ports/values.ts";
import type { DeliveryAddress } from "./messages.ts";
import { mainSessionKey } from "./session-key.ts";

/** The web chat as a place to deliver to: it shows the main session, where heartbeats and reminders run. */
export const WEB_CHAT: DeliveryAddress = { channel: "web", account: "default", chatId: mainSessionKey() };

/** The key of the last route in the Values port. */
export const LAST_ROUTE_KEY = "last-route";

const routeSchema = z.object({
  channel: z.string(),
  account: z.string().default("default"),
  chatId: z.string(),
  threadId: z.string().optional(),
});

/** A stored route, or undefined for anything that is not one (an older or damaged value). */
export function asRoute(value: unknown): DeliveryAddress | undefined {
  const parsed = routeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export interface LastRoute {
  /** Remembers `address` (written only when it changed). Contract: never rejects; failures are logged. */
  note(address: DeliveryAddress): Promise<void>;
  /** The chat noted last, read from the port each time (another process may have noted one since). */
  get(): Promise<DeliveryAddress | undefined>;
  /** Where "last" delivers: the chat noted last, else the web chat. */
  target(): Promise<DeliveryAddress>;
}

export interface LastRouteOptions {
  /**
   * The route as kept before it moved behind the port (last-route.json): read when the port holds
   * none, and stored there, so an upgrade keeps where reminders go.
   */
  legacy?: () => Promise<DeliveryAddress | undefined>;
  log?: (message: string) => void;
}

export function createLastRoute(values: Values, options: LastRouteOptions = {}): LastRoute {
  const log = options.log ?? (() => {});
  let migrated = options.legacy === undefined;
  const get = async () => {
    const stored = asRoute(await values.get(LAST_ROUTE_KEY));
    if (stored || migrated) return stored;
    migrated = true;
    const old = asRoute(await options.legacy!());
    if (old) await values.put(LAST_ROUTE_KEY, old);
    return old;
  };
  // One write at a time in this process, in the order the chats were noted.
  let writing = Promise.resolve();
  return {
    note(address) {
      // Only the chat matters, not the message it answered (asRoute leaves replyToMessageId out).
      const route = asRoute(address)!;
      writing = writing
        .then(async () => {
          const known = await get();
          if (known && JSON.stringify(known) === JSON.stringify(route)) return;
          await values.put(LAST_ROUTE_KEY, route);
        })
        .catch((error: unknown) => {
          log(`could not save the last chat: ${(error as Error).message}`);
        });
      return writing;
    },
    get,
    target: async () => (await get()) ?? WEB_CHAT,
  };
}
