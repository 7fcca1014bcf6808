// The cron service over each engine's real ports (local: SQLite and the timer alarm; aws: DynamoDB
// and EventBridge Scheduler, the local one): a job runs once per slot by its alarm, a queued run
// finished twice is recorded once, and a removed job stops.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CronScope } from "../../src/core/cron/cron-input.ts";
import type { CronJob, CronRunRef } from "../../src/core/cron/cron-job.ts";
import { createCronService } from "../../src/core/cron/cron-service.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { settle } from "./settle.ts";

const MIN = 60_000;
const OWNER: CronScope = { kind: "owner" };

describe.each(engines)("cron over the $name engine's ports", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  let instance: EngineInstance | undefined;
  const stop = new AbortController();
  afterEach(async () => {
    stop.abort();
    await instance?.cleanup();
  });

  it("runs a job once per slot by its alarm, records a queued run once when finished twice, and stops when removed", async () => {
    instance = await engine.open();
    const { ports, clock } = instance;
    const service = createCronService({
      store: ports.cron,
      alarm: ports.alarm,
      claims: ports.claims,
      clock,
      timeZone: () => "UTC",
      newId: () => "digest",
    });
    const calls: CronRunRef[] = [];
    // The work is queued: whoever finishes the turn records the run (finishRun).
    const execute = async (_job: CronJob, run: CronRunRef) => {
      calls.push(run);
      return "started" as const;
    };
    // Locally the timer alarm wakes the started service; on AWS the Scheduler's firings reach fireFromAlarm.
    if (!instance.fireSchedules) await service.start(execute, stop.signal);
    const advance = async (ms: number) => {
      for (let done = 0; done < ms; done += MIN) {
        await clock.advance(MIN);
        await settle();
        await instance!.fireSchedules?.((jobId, at) => service.fireFromAlarm(jobId, at, execute));
      }
    };
    const t0 = clock.now();
    const job = await service.add({ every: "10m", message: "digest", deliver: "none" }, OWNER);
    await advance(10 * MIN);
    expect(calls.map((c) => c.dueAt - t0)).toEqual([10 * MIN]);
    await advance(10 * MIN);
    expect(calls).toHaveLength(1);

    await service.finishRun(calls[0]!, { ok: true, summary: "sent" });
    await service.finishRun(calls[0]!, { ok: true, summary: "sent again" });
    expect(await service.runs(job.id, OWNER)).toMatchObject([{ status: "ok", summary: "sent" }]);
    expect((await service.get(job.id, OWNER)).state.nextRunAt).toBe(t0 + 30 * MIN);

    await advance(10 * MIN);
    expect(calls.map((c) => c.dueAt - t0)).toEqual([10 * MIN, 30 * MIN]);
    await service.finishRun(calls[1]!, { ok: false, error: "offline" });
    await service.remove(job.id, OWNER);
    await advance(30 * MIN);
    expect(calls).toHaveLength(2);
  });
});
