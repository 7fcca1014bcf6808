// The chat the owner last wrote from (in the main session), kept in last-route.json so that cron
// jobs and heartbeat alerts with target "last" reach them after a restart too. Before any, the web chat.
import { readFile } from "node:fs/promises";
import type { DeliveryAddress } from "../core/messages.ts";
import { mainSessionKey } from "../core/session-key.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

/** The web chat as a place to deliver to: it shows the main session, where heartbeats and reminders run. */
export const WEB_CHAT: DeliveryAddress = { channel: "web", account: "default", chatId: mainSessionKey() };

export interface LastRoute {
  /** Remembers `address` (written only when it changed). Contract: never throws. */
  note(address: DeliveryAddress): void;
  get(): Promise<DeliveryAddress | undefined>;
  /** Where "last" delivers: the chat noted last, else the web chat (always there with the gateway). */
  target(): Promise<DeliveryAddress>;
}

export function createLastRoute(file: string, log: (message: string) => void): LastRoute {
  let current: Promise<DeliveryAddress | undefined> | undefined;
  const load = () =>
    (current ??= readFile(file, "utf8").then(
      (text) => {
        const value = JSON.parse(text) as DeliveryAddress;
        return typeof value?.channel === "string" && typeof value.chatId === "string" ? value : undefined;
      },
      () => undefined,
    ));
  let writing = Promise.resolve();
  return {
    note(address) {
      // Only the chat matters, not the message it answered.
      const { replyToMessageId: _, ...route } = address;
      void load().then((known) => {
        if (known && JSON.stringify(known) === JSON.stringify(route)) return;
        current = Promise.resolve(route);
        writing = writing
          .then(() => writeFileAtomic(file, JSON.stringify(route)))
          .catch((error: unknown) => log(`could not save the last chat: ${(error as Error).message}`));
      });
    },
    get: load,
    target: async () => (await load()) ?? WEB_CHAT,
  };
}
