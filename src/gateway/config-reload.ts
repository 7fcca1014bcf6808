// Hot reload in the gateway: a saved config.json is applied to the running assistant without a
// restart; a broken one is logged and the running config kept; keys read only at start are named.
import { isDeepStrictEqual } from "node:util";
import type { Config } from "../config/schema.ts";
import { type ConfigWatcher, watchConfig } from "../config/watch.ts";
import type { LogBuffer } from "./log-buffer.ts";

/** Keys the gateway reads once at start: a change is kept in the config but acts after a restart. */
export const RESTART_KEYS: ReadonlyArray<readonly [string, (config: Config) => unknown]> = [
  ["gateway.port", (c) => c.gateway.port],
  ["gateway.bind", (c) => c.gateway.bind],
  ["gateway.token", (c) => c.gateway.token],
  ["gateway.trustLoopback", (c) => c.gateway.trustLoopback],
  ["agent.workspace", (c) => c.agent.workspace],
  ["lanes.maxConcurrent", (c) => c.lanes.maxConcurrent],
  ["cron.enabled", (c) => c.cron.enabled],
  ["cron.stuckMinutes", (c) => c.cron.stuckMinutes],
];

/** Top-level keys whose values differ, in the order of the newer config. */
export function changedTopLevelKeys(before: Config, after: Config): string[] {
  const keys = new Set([...Object.keys(after), ...Object.keys(before)]);
  return [...keys].filter(
    (key) =>
      !isDeepStrictEqual((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key]),
  );
}

/** The RESTART_KEYS whose values differ. */
export function restartNeededKeys(before: Config, after: Config): string[] {
  return RESTART_KEYS.filter(([, read]) => !isDeepStrictEqual(read(before), read(after))).map(([key]) => key);
}

/** Logs that these changed keys act only after a restart; nothing when there are none. */
export function warnRestartNeeded(logs: LogBuffer, keys: string[]): void {
  if (keys.length === 0) return;
  logs.log(
    "warn",
    `config.json changed ${keys.join(", ")}: ${keys.length > 1 ? "these take" : "this takes"} effect after a restart of the gateway (agent-claw daemon restart, if it runs as a service)`,
  );
}

export interface GatewayConfigReloadOptions {
  file: string;
  /** Loads the effective config (file, defaults, environment overrides). */
  load: () => Promise<Config>;
  /** The config in force now. */
  current: () => Config;
  /** Puts a new config in force (the assistant and the context). Contract: must not throw. */
  apply: (config: Config) => void;
  logs: LogBuffer;
  debounceMs?: number;
}

/**
 * Watches config.json for the gateway and applies settled edits. Close it when the gateway closes.
 * Contract: never throws; when the folder cannot be watched it logs a warning and reloads nothing.
 */
export function watchGatewayConfig(options: GatewayConfigReloadOptions): ConfigWatcher {
  const { logs } = options;
  try {
    return watchReloads(options, logs);
  } catch (error) {
    // Not fatal: the gateway runs on the config it has; edits then need a restart.
    logs.log("warn", `${(error as Error).message} Config edits take effect after a restart.`);
    return { close: () => undefined };
  }
}

function watchReloads(options: GatewayConfigReloadOptions, logs: LogBuffer): ConfigWatcher {
  return watchConfig({
    file: options.file,
    load: options.load,
    initial: options.current(),
    debounceMs: options.debounceMs,
    onChange(next) {
      const before = options.current();
      // A change made through patchConfig is already in force: the file event finds nothing new.
      const changed = changedTopLevelKeys(before, next);
      if (changed.length === 0) return;
      const restart = restartNeededKeys(before, next);
      options.apply(next);
      logs.log("info", `config reloaded: ${changed.join(", ")}`);
      warnRestartNeeded(logs, restart);
    },
    onError(error) {
      logs.log("warn", `config.json has an error; keeping the running config: ${error.message}`);
    },
  });
}
