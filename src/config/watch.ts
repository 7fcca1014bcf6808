// Hot reload of config.json: watches the file's folder (editors replace files by rename), debounces
// bursts of events, reloads, and reports a changed config or an error; the caller keeps running on
// the last good config.
import { type FSWatcher, watch } from "node:fs";
import { access } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ConfigError } from "./errors.ts";
import type { Config } from "./schema.ts";

export interface WatchConfigOptions {
  /** The config file; its folder is watched. */
  file: string;
  /** Reads and validates the config (file, defaults, environment). Throws a ConfigError when invalid. */
  load: () => Promise<Config>;
  /** Contract: called once per settled edit that changes the loaded config; must not throw. */
  onChange: (config: Config) => void;
  /**
   * Contract: called when an edit leaves the file invalid (bad JSON, failed validation) or watching
   * stops working; the same error is not reported twice in a row. Must not throw.
   */
  onError: (error: ConfigError) => void;
  /** The config in force now, compared against to skip edits that change nothing (default: loaded once). */
  initial?: Config;
  /** Quiet time after the last event before reloading, in ms (default 150). */
  debounceMs?: number;
}

export interface ConfigWatcher {
  /** Stops watching; a reload already running finishes but reports nothing. Safe to call twice. */
  close(): void;
}

/** Watches `file` and reports settled edits. Throws when its folder cannot be watched. */
export function watchConfig(options: WatchConfigOptions): ConfigWatcher {
  const { file, load, onChange, onError } = options;
  const name = basename(file);
  const debounceMs = options.debounceMs ?? 150;
  let current: Config | undefined = options.initial;
  let lastError: string | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const reload = async () => {
    // Some editors move the old file away before writing the new one: a missing file is a moment
    // in an edit, not a request to fall back to the defaults. The next event brings the new file.
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (!exists || closed) return;
    let next: Config;
    try {
      next = await load();
    } catch (error) {
      const configError =
        error instanceof ConfigError ? error : new ConfigError(`Cannot reload ${file}: ${String(error)}`);
      if (!closed && configError.message !== lastError) onError(configError);
      lastError = configError.message;
      return;
    }
    lastError = undefined;
    if (closed || isDeepStrictEqual(next, current)) return;
    current = next;
    onChange(next);
  };

  // One reload at a time; events during a reload schedule exactly one more afterwards.
  const track = (work: Promise<void>) => {
    running = work.finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        run();
      }
    });
  };
  const run = () => {
    timer = undefined;
    if (running) again = true;
    else track(reload());
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      // No file name (some platforms) could be any file in the folder: reload and compare.
      if (changed === null || changed === name) schedule();
    });
  } catch (error) {
    throw new ConfigError(
      `Cannot watch ${dirname(file)} for config changes: ${(error as Error).message}. Check that the folder exists and is readable.`,
    );
  }
  watcher.on("error", (error) => {
    if (closed) return;
    onError(
      new ConfigError(
        `Stopped watching ${file} for changes (${error.message}); edits take effect after a restart.`,
      ),
    );
  });

  // No baseline given: take the file as it is now, so the first report is a real edit.
  if (!current) {
    track(
      load().then(
        (config) => {
          current ??= config;
        },
        () => undefined,
      ),
    );
  }

  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
