// A pid counts as the same process only while it runs and, where /proc tells, started when it was recorded:
// an exited process, a reused pid, and pids that name no one process are not live.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { processLive, processStartTime } from "./process-identity.ts";

/** The pid of a process that has exited (and been reaped). */
const exitedPid = () => spawnSync("true").pid;

describe("process identity", () => {
  it("takes a running pid without a recorded start for live, and an exited one for gone", async () => {
    expect(await processLive(process.pid)).toBe(true);
    expect(await processLive(exitedPid())).toBe(false);
    expect(await processStartTime(exitedPid())).toBeUndefined();
  });

  it("never takes 0 or a negative pid (process groups) for a process", async () => {
    expect(await processLive(0)).toBe(false);
    expect(await processLive(-1)).toBe(false);
  });

  it.runIf(existsSync("/proc/self/stat"))("tells a reused pid by its start time", async () => {
    const start = await processStartTime(process.pid);
    expect(start).toMatch(/^\d+$/);
    expect(await processLive(process.pid, start)).toBe(true);
    expect(await processLive(process.pid, String(Number(start) + 1))).toBe(false);
  });
});
