// config.get and config.patch: the settings in force (secrets masked), the file they live in, and
// validated changes that either apply whole or change nothing.
import { z } from "zod";
import { ConfigError } from "../../config/errors.ts";
import { configJsonSchema } from "../../config/json-schema.ts";
import type { Config } from "../../config/schema.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";

/** What a secret reads as in config.get. */
export const MASK = "[redacted]";

const mask = <T>(value: T | undefined) => (value === undefined ? undefined : MASK);

/** The config as clients may see it: the gateway token, the bot token and the webhook secret masked. */
export function maskedConfig(config: Config): Config {
  const telegram = config.channels.telegram;
  return {
    ...config,
    gateway: { ...config.gateway, token: mask(config.gateway.token) },
    channels: {
      ...config.channels,
      telegram: {
        ...telegram,
        botToken: mask(telegram.botToken),
        webhookSecret: mask(telegram.webhookSecret),
      },
    },
  };
}

const patchParams = z
  .object({
    patch: z
      .record(z.string(), z.unknown(), { error: 'expected an object of dotted keys, e.g. {"model": "..."}' })
      .refine((patch) => Object.keys(patch).length > 0, "must change at least one key"),
  })
  .strict();

let schema: Record<string, unknown> | undefined;

export const configMethods: MethodTable = {
  "config.get": method(z.object({}).strict(), (_params, { gateway }) => {
    schema ??= configJsonSchema();
    return {
      config: maskedConfig(gateway.config()),
      path: gateway.assistant.paths.configFile,
      schema,
    };
  }),

  "config.patch": method(
    patchParams,
    async ({ patch }, { gateway }) => {
      // null removes a key (JSON has no undefined).
      const changes = Object.fromEntries(
        Object.entries(patch).map(([key, value]) => [key, value === null ? undefined : value]),
      );
      try {
        return { config: maskedConfig(await gateway.patchConfig(changes)) };
      } catch (error) {
        if (error instanceof ConfigError) throw new ControlError("invalid_params", error.message);
        throw error;
      }
    },
    { refuseWhileDraining: true },
  ),
};
