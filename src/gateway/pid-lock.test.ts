// gateway.pid: of several starts at once exactly one wins (also across processes), and only a live
// gateway's lock blocks: not a crashed one's, nor one naming a pid that an unrelated program now has.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pidLockFile, runningGatewayPid, takePidLock } from "./pid-lock.ts";

let home: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "ac-lock-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await rm(home, { recursive: true, force: true });
});

/** An unrelated live process (`sleep`), whose pid stands in for a reused one. */
async function unrelatedProcess(): Promise<number> {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  children.push(child);
  await new Promise((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  return child.pid!;
}

describe("gateway.pid", () => {
  it("lets exactly one of several concurrent starts take the lock, every time", async () => {
    for (let round = 0; round < 20; round++) {
      const dir = join(home, `r${round}`);
      const results = await Promise.allSettled([takePidLock(dir), takePidLock(dir), takePidLock(dir)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r) => r.status === "rejected")) {
        expect(String(r.reason)).toMatch(/Another gateway \(pid \d+\) is running on this home folder/);
      }
      expect(await readdir(dir)).toEqual(["gateway.pid"]); // no temp files left
    }
  });

  it("lets exactly one of several concurrent starts replace a crashed gateway's lock", async () => {
    for (let round = 0; round < 50; round++) {
      const dir = join(home, `r${round}`);
      await mkdir(dir);
      await writeFile(pidLockFile(dir), `${2 ** 22 + 1}\n1\n0123456789abcdef\n`); // no such pid
      const starts = Array.from({ length: 4 }, () => takePidLock(dir));
      const results = await Promise.allSettled(starts);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await readdir(dir)).toEqual(["gateway.pid"]); // no claim or temp files left
    }
  });

  it("lets exactly one of several processes started at once take the lock", async () => {
    const script = [
      `const { takePidLock } = await import(${JSON.stringify(new URL("./pid-lock.ts", import.meta.url).href)});`,
      `try { await takePidLock(process.argv[1]); console.log("won"); } catch { console.log("refused"); }`,
      // Stay alive until every contender has tried: stdin closes when the test is done.
      `process.stdin.resume(); process.stdin.on("end", () => process.exit(0));`,
    ].join("\n");
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, home]);
        children.push(child);
        return new Promise<string>((resolve) =>
          child.stdout.once("data", (d: Buffer) => resolve(String(d).trim())),
        );
      }),
    );
    expect(outputs.sort()).toEqual(["refused", "refused", "refused", "won"]);
  });

  it("is not blocked by a file naming an unrelated live process, old format or new", async () => {
    const pid = await unrelatedProcess();
    // An older version's file: the pid alone.
    await writeFile(pidLockFile(home), `${pid}\n`);
    expect(await runningGatewayPid(home)).toBeUndefined();
    const first = await takePidLock(home);
    await first.release();
    // A crashed gateway's file whose pid was since reused: the start time does not match.
    await writeFile(pidLockFile(home), `${pid}\n1\n0123456789abcdef\n`);
    const second = await takePidLock(home);
    expect((await readFile(pidLockFile(home), "utf8")).split("\n")[0]).toBe(String(process.pid));
    expect(await runningGatewayPid(home)).toBe(process.pid);
    await second.release();
  });

  it("is blocked by a live gateway's lock, and release removes only its own", async () => {
    const lock = await takePidLock(home);
    await expect(takePidLock(home)).rejects.toThrow(
      `Another gateway (pid ${process.pid}) is running on this home folder. Stop it first`,
    );
    await lock.release();
    expect(await runningGatewayPid(home)).toBeUndefined();
    const next = await takePidLock(home);
    await lock.release(); // the old holder's second release leaves the new lock alone
    expect(await runningGatewayPid(home)).toBe(process.pid);
    await next.release();
  });
});
