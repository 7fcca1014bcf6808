// gateway.pid: one gateway per home folder. The file names the live gateway's process; a stale one
// left by a crash names a process that is gone and does not count.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

export const pidLockFile = (home: string) => join(home, "gateway.pid");

/** The pid of the gateway running on `home`, or undefined when none is. */
export async function runningGatewayPid(home: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidLockFile(home), "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}

/** Refuses to start when another live gateway holds `home`; else writes this process's pid. */
export async function takePidLock(home: string): Promise<void> {
  const other = await runningGatewayPid(home);
  if (other !== undefined && other !== process.pid) {
    throw new ConfigError(
      `Another gateway (pid ${other}) is running on this home folder. Stop it first (\`kill ${other}\`, or \`agent-claw daemon uninstall\` if it runs as a service), or set AGENT_CLAW_HOME to use another folder.`,
    );
  }
  await writeFileAtomic(pidLockFile(home), `${process.pid}\n`);
}
