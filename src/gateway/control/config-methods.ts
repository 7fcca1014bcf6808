// config.get and config.patch: the settings in force (secrets masked), the file they live in, and
// validated changes that either apply whole or change nothing.
import { z } from "zod";
import { ConfigError } from "../../config/errors.ts";
import { configJsonSchema } from "../../config/json-schema.ts";
import type { Config } from "../../config/schema.ts";
import { maskSecretsAt } from "../../config/secrets.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";

/** What a secret reads as in config.get. */
export const MASK = "[redacted]";

/** The config as clients may see it: every secret in SECRET_KEYS (tokens, provider API keys) masked. */
export function maskedConfig(config: Config): Config {
  return maskSecretsAt(config) as Config;
}

/**
 * Keys that decide who may use the assistant and what it may do (the gateway's own access, tools and
 * their policy, who may write in the channels, where model traffic goes, which folder the tools work
 * in). They change only for a client that presented the token, never on loopback trust alone.
 */
export const TOKEN_ONLY_KEYS = ["gateway", "tools", "channels", "providers", "agent.workspace"] as const;

/** Whether a dotted key is, is inside, or holds one of TOKEN_ONLY_KEYS ("tools" holds "tools.exec"). */
export function needsToken(key: string): boolean {
  return TOKEN_ONLY_KEYS.some((k) => key === k || key.startsWith(`${k}.`) || k.startsWith(`${key}.`));
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
    async ({ patch }, { gateway, client }) => {
      const guarded = Object.keys(patch).filter(needsToken);
      if (!client.viaToken && guarded.length > 0) {
        throw new ControlError(
          "unauthorized",
          `Changing ${guarded.join(", ")} needs the gateway token: this client was let in by gateway.trustLoopback alone. Connect with the token (AGENT_CLAW_GATEWAY_TOKEN, gateway.token, or <home>/gateway.token), or use \`agent-claw config set\`.`,
        );
      }
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
