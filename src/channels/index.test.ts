// The one registration of chat channels: each module listed is reachable everywhere the list is read
// (its webhook path, cron's `deliver`, its config section), and one switched off asks nothing of a Lambda.
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { deliveryAddressSchema } from "../core/cron/cron-input.ts";
import { CHANNEL_IDS, CHANNEL_MODULES, channelModule, channelWebhookPaths } from "./index.ts";

const defaults = configSchema.parse({});

describe("the channel modules", () => {
  it("have unique ids that are one path segment, each with a webhook path", () => {
    expect(new Set(CHANNEL_IDS).size).toBe(CHANNEL_MODULES.length);
    for (const id of CHANNEL_IDS) {
      expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(channelModule(id)?.id).toBe(id);
    }
    expect(channelWebhookPaths()).toContain("/telegram/webhook");
  });

  it("can each be a cron job's delivery target; an id no module has cannot", () => {
    for (const id of CHANNEL_IDS)
      expect(deliveryAddressSchema.safeParse({ channel: id, chatId: "42" }).success).toBe(true);
    const refused = deliveryAddressSchema.safeParse({ channel: "fax", chatId: "42" });
    expect(refused.error?.issues[0]?.message).toBe(
      `a channel replies can be delivered to: ${CHANNEL_IDS.join(", ")}`,
    );
  });

  it("are off in the default config, and then ask a Lambda's environment for nothing", () => {
    for (const module of CHANNEL_MODULES) {
      expect(Object.keys(defaults.channels)).toContain(module.id);
      expect(module.configured(defaults)).toBe(false);
      expect(module.serverlessSettings(defaults, {})).toEqual({ problems: [] });
    }
  });
});
