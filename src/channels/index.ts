// The one registration: every chat platform this build has. The gateway, the Lambdas, cron's delivery
// targets, the channels control methods, doctor and the gateway banner all read this list.
import type { ChannelModule } from "./channel-module.ts";
import { telegramModule } from "./telegram/module.ts";

export const CHANNEL_MODULES: readonly ChannelModule[] = [telegramModule];

/** The ids of the modules ("telegram"), as a non-empty tuple for z.enum. */
export const CHANNEL_IDS = CHANNEL_MODULES.map((m) => m.id) as [string, ...string[]];

export function channelModule(id: string): ChannelModule | undefined {
  return CHANNEL_MODULES.find((m) => m.id === id);
}

/** The webhook path of each channel: platforms authenticate these calls by their own secret. */
export function channelWebhookPaths(): string[] {
  return CHANNEL_MODULES.map((m) => `/${m.id}/webhook`);
}
