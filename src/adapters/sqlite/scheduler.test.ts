// SQLite scheduler: the contract on a fresh state.db, and a change made by another process (the
// CLI) waking a watching gateway through the change signal.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cronJob, schedulerContract } from "../../ports/scheduler.contract.ts";
import { createSystemClock } from "../../util/system-clock.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteScheduler } from "./scheduler.ts";

schedulerContract("sqlite", async () => {
  const db = openStateDb(":memory:");
  const clock = createFakeClock();
  return { scheduler: createSqliteScheduler({ db, clock }), clock, cleanup: async () => db.close() };
});

describe("sqlite scheduler", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });

  it("fires a job another process added, woken by the change signal rather than a poll", async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-claw-scheduler-"));
    const file = join(dir, "state.db");
    const changeSignal = join(dir, "cron.changed");
    const clock = createSystemClock();
    const gatewayDb = openStateDb(file);
    const cliDb = openStateDb(file);
    const gateway = createSqliteScheduler({ db: gatewayDb, clock, changeSignal });
    const cli = createSqliteScheduler({ db: cliDb, clock, changeSignal });
    const stop = new AbortController();
    const fired = new Promise<string>((resolve) =>
      gateway.watch(async (job) => {
        resolve(job.id);
        await gateway.save({ ...job, enabled: false });
      }, stop.signal),
    );
    // Due at once: only the signal can make the gateway look before its minute-long sleep ends.
    await cli.save(cronJob("from-cli", clock.now()));
    expect(await fired).toBe("from-cli");
    stop.abort();
    gatewayDb.close();
    cliDb.close();
  });
});
