// Debian's chromium for the browser tests: found at /usr/bin/chromium, installed with apt-get when
// missing (CI starts clean and runs as root), and launched headless through playwright-core.
// Never `npx playwright install`: its downloads are not reachable from the test machines.
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags that keep a headless run quiet, offline and quick to start. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Runs a command with its output shown (apt prints its own progress); rejects on a non-zero exit. */
function run(command: string, args: string[]): Promise<void> {
  process.stderr.write(`[browser tests] $ ${command} ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${signal ?? `code ${code}`}`)),
    );
  });
}

let installing: Promise<string> | undefined;

/**
 * The chromium executable, installing Debian's package when it is missing.
 * Contract: resolves to CHROMIUM_PATH or rejects with a message saying how to fix it; never prompts.
 */
export function ensureChromium(): Promise<string> {
  installing ??= (async () => {
    if (await executable(CHROMIUM_PATH)) return CHROMIUM_PATH;
    const hint = `Install it yourself (as root: apt-get update && apt-get install -y chromium) and run the tests again.`;
    if (process.getuid?.() !== 0) {
      throw new Error(`${CHROMIUM_PATH} is missing and the tests are not running as root. ${hint}`);
    }
    process.stderr.write(
      `[browser tests] ${CHROMIUM_PATH} not found: installing Debian's chromium package\n`,
    );
    const started = Date.now();
    try {
      await run("apt-get", ["update"]);
      await run("apt-get", [
        "install",
        "-y",
        "--no-install-recommends",
        "-o",
        "DPkg::Lock::Timeout=300",
        "chromium",
      ]);
    } catch (error) {
      throw new Error(`Could not install chromium with apt-get (${(error as Error).message}). ${hint}`, {
        cause: error,
      });
    }
    if (!(await executable(CHROMIUM_PATH))) {
      throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing. ${hint}`);
    }
    process.stderr.write(
      `[browser tests] chromium installed in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    return CHROMIUM_PATH;
  })();
  return installing;
}

/** Launches headless chromium; playwright gives every launch a fresh temporary profile (user data dir). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
