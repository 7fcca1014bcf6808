// Hot reload of config.json on a real folder: edits, broken edits, editor-style replacement, bursts.
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./errors.ts";
import { readRawConfig, validateConfig } from "./load.ts";
import type { Config } from "./schema.ts";
import { type ConfigWatcher, watchConfig } from "./watch.ts";

type Reported = { change: number } | { error: string };

let dir: string;
let file: string;
let watcher: ConfigWatcher | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ac-watch-"));
  file = join(dir, "config.json");
  await writeConfig({ agent: { maxSteps: 2 } });
});

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

const writeConfig = (value: unknown, path = file) => writeFile(path, `${JSON.stringify(value, null, 2)}\n`);

/** Starts watching; `reported` lists changes (as agent.maxSteps) and errors in order. */
async function start(debounceMs = 30, withBaseline = true) {
  const reported: Reported[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  let loads = 0;
  const load = async (): Promise<Config> => {
    try {
      return validateConfig(await readRawConfig(file), file);
    } finally {
      loads++;
      notify();
    }
  };
  const initial = await load();
  loads = 0;
  watcher = watchConfig({
    file,
    load,
    initial: withBaseline ? initial : undefined,
    debounceMs,
    onChange: (config) => {
      reported.push({ change: config.agent.maxSteps });
      notify();
    },
    onError: (error) => {
      reported.push({ error: error instanceof ConfigError ? error.message : `not a ConfigError: ${error}` });
      notify();
    },
  });
  /** Resolves once `done()` holds; fails after a bounded wait, saying what was reported. */
  const until = (done: () => boolean, what: string, timeoutMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timeout = setTimeout(() => {
        cleanup();
        reject(new Error(`${what} within ${timeoutMs} ms; reported ${JSON.stringify(reported)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timeout);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const reports = async (count: number) => {
    await until(() => reported.length >= count, `expected ${count} report(s)`);
    return [...reported];
  };
  return { reports, until, loads: () => loads };
}

describe("watchConfig", () => {
  it("reports a valid edit with the new config", async () => {
    const { reports } = await start();
    await writeConfig({ agent: { maxSteps: 7 } });
    expect(await reports(1)).toEqual([{ change: 7 }]);
  });

  it("reports an invalid edit as a ConfigError and no change, then picks up the fix", async () => {
    const { reports, until, loads } = await start();
    await writeFile(file, '{ "agent": { "maxSteps": 3 ');
    const [broken] = await reports(1);
    expect(broken).toEqual({ error: expect.stringMatching(/config\.json is not valid JSON/) });
    // Saving the same mistake again is not news.
    await writeFile(file, '{ "agent": { "maxSteps": 3 ');
    await until(() => loads() >= 2, "expected a reload after saving the same mistake");

    await writeConfig({ agent: { maxSteps: 0 } });
    const [, invalid] = await reports(2);
    expect(invalid).toEqual({ error: expect.stringContaining("agent.maxSteps") });

    await writeConfig({ agent: { maxSteps: 9 } });
    expect((await reports(3))[2]).toEqual({ change: 9 });
  });

  it("follows editors that write a new file and rename it over the old one", async () => {
    const { reports } = await start();
    // Atomic save (VS Code, JetBrains, writeFileAtomic): a temp file renamed over the target, so
    // the watched inode changes every time; watching the folder keeps working.
    await writeConfig({ agent: { maxSteps: 3 } }, join(dir, ".config.json.swp"));
    await rename(join(dir, ".config.json.swp"), file);
    expect(await reports(1)).toEqual([{ change: 3 }]);
    await writeConfig({ agent: { maxSteps: 4 } }, join(dir, ".config.json.swp"));
    await rename(join(dir, ".config.json.swp"), file);
    expect(await reports(2)).toEqual([{ change: 3 }, { change: 4 }]);
    // vim without backupcopy: the old file is moved away, then a new one written. The moment with
    // no file must not be taken for "no config" (all defaults).
    await rename(file, `${file}~`);
    await writeConfig({ agent: { maxSteps: 5 } });
    expect(await reports(3)).toEqual([{ change: 3 }, { change: 4 }, { change: 5 }]);
  });

  it("reloads a burst of writes once, with the last content", async () => {
    const { reports, loads } = await start(400);
    for (let steps = 11; steps <= 15; steps++) await writeConfig({ agent: { maxSteps: steps } });
    expect(await reports(1)).toEqual([{ change: 15 }]);
    // A later edit is the marker that the burst has been handled completely.
    await writeConfig({ agent: { maxSteps: 20 } });
    expect(await reports(2)).toEqual([{ change: 15 }, { change: 20 }]);
    // One reload per settled edit (a straggling event may add one that finds nothing new).
    expect(loads()).toBeLessThanOrEqual(3);
  });

  it("reports nothing when the content is unchanged or only reformatted", async () => {
    const { reports, until, loads } = await start();
    await writeConfig({ agent: { maxSteps: 2 } });
    await until(() => loads() >= 1, "expected a reload after rewriting the same content");
    await writeFile(file, '{"agent":{"maxSteps":2}}');
    await until(() => loads() >= 2, "expected a reload after reformatting");
    await writeConfig({ agent: { maxSteps: 6 } });
    expect(await reports(1)).toEqual([{ change: 6 }]);
  });

  it("without a given baseline, takes the file as it is at start", async () => {
    const { reports, until, loads } = await start(30, false);
    await until(() => loads() >= 1, "expected the baseline load");
    await writeConfig({ agent: { maxSteps: 2 } });
    await until(() => loads() >= 2, "expected a reload after rewriting the same content");
    await writeConfig({ agent: { maxSteps: 8 } });
    expect(await reports(1)).toEqual([{ change: 8 }]);
  });

  it("refuses a folder that does not exist, saying which", () => {
    expect(() =>
      watchConfig({
        file: join(dir, "missing", "config.json"),
        load: async () => validateConfig({}, "test"),
        onChange: () => undefined,
        onError: () => undefined,
      }),
    ).toThrow(/Cannot watch .*missing for config changes/);
  });
});
