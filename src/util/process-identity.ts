// Whether a pid still names the process it named before. A pid alone is reused (after the process exits,
// after a reboot), so a file naming a process keeps that process's start time too where the system tells it.
import { readFile } from "node:fs/promises";

/**
 * When process `pid` started, in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat), or
 * undefined without /proc (macOS) or without that process.
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // Field 2 (the command name, in parentheses) may hold spaces and parentheses: count from the last ")".
  // The field after it is field 3 (state), so field 22 is the 20th.
  const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

/** Whether some process, of any user, has `pid`. */
function pidInUse(pid: number): boolean {
  // kill(0) and negative pids signal process groups, never one process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the process that had `pid` when it started at `start` (processStartTime's value then) still
 * runs, and not a later one given the same pid. Without `start`, or when it cannot be read now, the pid
 * is all there is: a running pid counts as live.
 */
export async function processLive(pid: number, start?: string): Promise<boolean> {
  if (!pidInUse(pid)) return false;
  if (start === undefined) return true;
  const now = await processStartTime(pid);
  return now === undefined || now === start;
}
