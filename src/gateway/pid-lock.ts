// gateway.pid: one gateway per home folder. The lock is published atomically (link(2) fails when the
// file exists) and names the pid, that process's start time and a nonce, so a crashed gateway's file
// or a pid since reused by an unrelated program does not count, and is replaced by one start only.
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../util/private-files.ts";
import { processLive, processStartTime } from "../util/process-identity.ts";

export const pidLockFile = (home: string) => join(home, "gateway.pid");

/** A lock this process holds. */
export interface PidLock {
  /** Removes gateway.pid if it is still this lock. Safe to call twice. */
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  /** Start time in clock ticks since boot (Linux /proc); absent where the system does not tell. */
  start?: string;
  /** The file's exact text, to tell this lock from one written after it. */
  text: string;
}

/** How often a start retries after it removed a stale lock and another start took the file first. */
const ATTEMPTS = 5;

/** The lock in the file; undefined when there is none or it is not one this version writes. */
async function readHolder(file: string): Promise<Holder | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const [pid, start, nonce] = text.split("\n");
  // A file without a nonce (an older version's, or garbage) cannot prove which process wrote it.
  if (!/^[1-9]\d*$/.test(pid ?? "") || !/^[0-9a-f]{16}$/.test(nonce ?? "")) return { pid: 0, text };
  return { pid: Number(pid), ...(start && { start }), text };
}

/** Whether the process that wrote the lock still runs: same pid and, where known, same start time. */
async function live(holder: Holder): Promise<boolean> {
  // Without a start time (no /proc when it was written) the pid is all there is; pid 0 is never live.
  return processLive(holder.pid, holder.start);
}

const refusal = (pid: number) =>
  new ConfigError(
    `Another gateway (pid ${pid}) is running on this home folder. Stop it first (\`kill ${pid}\`, or \`agent-claw daemon uninstall\` if it runs as a service), or set AGENT_CLAW_HOME to use another folder.`,
  );

const tempName = (home: string) => join(home, `.gateway.pid.${randomBytes(6).toString("hex")}.tmp`);

const linkOnce = (from: string, to: string) =>
  link(from, to).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return false;
      throw error;
    },
  );

/** The claim that lets one start, of all that found the same stale lock, remove it. */
const takeoverFile = (home: string, stale: Holder) =>
  join(home, `.gateway.pid.${createHash("sha256").update(stale.text).digest("hex").slice(0, 16)}.takeover`);

/**
 * Removes the stale lock `stale`. Of the starts that found it, only the one that publishes its claim
 * (link(2), so nobody reads it half written) removes it, and only while gateway.pid still holds it:
 * a lock published meanwhile is never moved or removed. The others refuse: the claimant is starting.
 */
async function removeStale(file: string, stale: Holder, home: string, temp: string): Promise<void> {
  const claim = takeoverFile(home, stale);
  if (!(await linkOnce(temp, claim))) {
    const claimant = await readHolder(claim);
    if (!claimant) return; // finished meanwhile: look again
    if (await live(claimant)) throw refusal(claimant.pid);
    await rm(claim, { force: true }); // its start died midway
    return;
  }
  try {
    if ((await readFile(file, "utf8").catch(() => undefined)) === stale.text) await rm(file, { force: true });
  } finally {
    await rm(claim, { force: true });
  }
}

/** The pid of the gateway running on `home`, or undefined when none is. */
export async function runningGatewayPid(home: string): Promise<number | undefined> {
  const holder = await readHolder(pidLockFile(home));
  return holder && (await live(holder)) ? holder.pid : undefined;
}

/** Takes gateway.pid for this process, or refuses when a live gateway holds `home`. */
export async function takePidLock(home: string): Promise<PidLock> {
  await mkdir(home, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = pidLockFile(home);
  const nonce = randomBytes(8).toString("hex");
  const text = `${process.pid}\n${(await processStartTime(process.pid)) ?? ""}\n${nonce}\n`;
  const temp = tempName(home);
  await writeFile(temp, text, { flag: "wx", mode: PRIVATE_FILE_MODE });
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // Published whole, and only when no lock exists: two starts cannot both succeed here.
      if (await linkOnce(temp, file)) return { release: () => releaseIfMine(file, text) };
      const holder = await readHolder(file);
      if (!holder) continue; // removed meanwhile: try again
      if (await live(holder)) throw refusal(holder.pid);
      await removeStale(file, holder, home, temp);
    }
    throw new ConfigError(
      `Could not take ${file}: other gateways keep starting on this home folder. Start one gateway at a time.`,
    );
  } finally {
    await rm(temp, { force: true });
  }
}

async function releaseIfMine(file: string, text: string): Promise<void> {
  if ((await readFile(file, "utf8").catch(() => "")) === text) await rm(file, { force: true });
}
