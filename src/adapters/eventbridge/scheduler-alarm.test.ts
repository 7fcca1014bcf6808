// The EventBridge Scheduler alarm through the real @aws-sdk/client-scheduler against the local
// Scheduler: the schedules follow the jobs (created, changed, paused, removed, retried, running), and
// firings delivered into the cron service run each slot once, also when every firing comes twice.
import { GetScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_AWS } from "../../../test/emulators/dynalite.ts";
import type { CronScope } from "../../core/cron/cron-input.ts";
import type { CronJob, CronRunRef } from "../../core/cron/cron-job.ts";
import { type CronRunResult, createCronService } from "../../core/cron/cron-service.ts";
import { startSchedulerEmulator } from "../../engines/aws/dev/scheduler-emulator.ts";
import { alarmContract } from "../../ports/alarm.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createSqliteClaims } from "../sqlite/claims.ts";
import { createSqliteCronStore } from "../sqlite/cron-store.ts";
import { openStateDb } from "../sqlite/db.ts";
import {
  AT_LEAD_MS,
  createSchedulerAlarm,
  HEARTBEAT_SCHEDULE,
  type SchedulerAlarm,
} from "./scheduler-alarm.ts";

const OWNER: CronScope = { kind: "owner" };
const MIN = 60_000;
const TARGET = {
  group: "agent",
  targetArn: "arn:aws:lambda:us-east-1:000000000000:function:schedule",
  roleArn: "arn:aws:iam::000000000000:role/scheduler",
  deadLetterArn: "arn:aws:sqs:us-east-1:000000000000:schedule-dlq",
};

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

alarmContract("EventBridge Scheduler", async () => {
  const clock = createFakeClock();
  const stuckMs = 2 * 60 * MIN;
  const jobs = new Map<string, CronJob>();
  const fired: string[] = [];
  const emulator = await startSchedulerEmulator({
    clock,
    groups: [TARGET.group],
    // What the schedule Lambda's run does, in short: the job moves on, and its alarm with it.
    async invoke(firing) {
      const { jobId } = JSON.parse(firing.input) as { jobId: string };
      fired.push(jobId);
      const job = jobs.get(jobId);
      if (!job) return;
      const moved = { ...job, state: { consecutiveErrors: 0 } };
      jobs.set(jobId, moved);
      await alarm.set(moved);
    },
  });
  const client = new SchedulerClient({ ...FAKE_AWS, endpoint: emulator.endpoint, maxAttempts: 1 });
  const alarm: SchedulerAlarm = createSchedulerAlarm({ client, target: TARGET, clock, stuckMs });
  return {
    alarm,
    clock,
    stuckMs,
    save: async (job) => void jobs.set(job.id, job),
    remove: async (id) => void jobs.delete(id),
    async advance(ms) {
      const from = fired.length;
      for (let done = 0; done < ms; done += 10_000) {
        await clock.advance(Math.min(10_000, ms - done));
        await emulator.fire();
      }
      return fired.slice(from);
    },
    async cleanup() {
      client.destroy();
      await emulator.stop();
    },
  };
});

/** A cron service whose alarm is EventBridge (the local one), firing back into fireFromAlarm. */
async function world(options: { start?: number; duplicate?: boolean; stuckMs?: number } = {}) {
  const clock = createFakeClock(options.start);
  const db: DatabaseSync = openStateDb(":memory:");
  const store = createSqliteCronStore({ db, clock });
  const runs: Array<{ id: string; runId: string; at: number }> = [];
  const answers: Array<CronRunResult | "started"> = [];
  const execute = async (job: CronJob, run: CronRunRef) => {
    runs.push({ id: job.id, runId: run.runId, at: clock.now() });
    return answers.shift() ?? { ok: true };
  };
  const outcomes: string[] = [];
  const emulator = await startSchedulerEmulator({
    clock,
    groups: [TARGET.group],
    ...(options.duplicate && { duplicate: true }),
    async invoke(firing) {
      const { jobId, scheduledTime } = JSON.parse(firing.input) as { jobId: string; scheduledTime: string };
      outcomes.push(await service.fireFromAlarm(jobId, Date.parse(scheduledTime), execute));
    },
  });
  const client = new SchedulerClient({ ...FAKE_AWS, endpoint: emulator.endpoint, maxAttempts: 1 });
  const stuckMs = options.stuckMs ?? 2 * 60 * MIN;
  const alarm = createSchedulerAlarm({ client, target: TARGET, clock, stuckMs });
  let n = 0;
  const service = createCronService({
    store,
    alarm,
    claims: createSqliteClaims({ db, clock }),
    clock,
    timeZone: () => "Europe/Paris",
    newId: () => `job${++n}`,
    stuckMs,
  });
  closers.push(
    () => db.close(),
    () => emulator.stop(),
    () => client.destroy(),
  );
  const get = (jobId: string) =>
    client.send(new GetScheduleCommand({ Name: `cron-${jobId}`, GroupName: TARGET.group })).catch(() => null);
  /** Moves the clock on in steps, letting the Scheduler fire what fell due at each. */
  const advance = async (ms: number, step = MIN) => {
    for (let done = 0; done < ms; done += step) {
      await clock.advance(Math.min(step, ms - done));
      await emulator.fire();
    }
  };
  return { clock, service, alarm, emulator, client, runs, answers, outcomes, get, advance };
}

describe("the EventBridge Scheduler alarm", () => {
  it("keeps one schedule per job in step with the job: created, changed, paused, resumed, removed", async () => {
    const w = await world();
    const job = await w.service.add({ cron: "0 9 * * 1-5", systemEvent: "stand-up" }, OWNER);
    expect(await w.get(job.id)).toMatchObject({
      ScheduleExpression: "cron(0 9 ? * 2-6 *)",
      ScheduleExpressionTimezone: "Europe/Paris",
      ActionAfterCompletion: "NONE",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: TARGET.targetArn,
        RoleArn: TARGET.roleArn,
        Input: JSON.stringify({ jobId: job.id, scheduledTime: "<aws.scheduler.scheduled-time>" }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: TARGET.deadLetterArn },
      },
    });

    const hourly = await w.service.update(job.id, { every: "1h" }, OWNER);
    const schedule = await w.get(job.id);
    expect(schedule).toMatchObject({ ScheduleExpression: "rate(1 hour)", ActionAfterCompletion: "NONE" });
    expect(schedule!.StartDate?.getTime()).toBe(hourly.state.nextRunAt);

    await w.service.update(job.id, { enabled: false }, OWNER);
    expect(await w.get(job.id)).toBeNull();
    await w.service.update(job.id, { enabled: true }, OWNER);
    expect(await w.get(job.id)).toMatchObject({ ScheduleExpression: "rate(1 hour)" });

    const odd = await w.service.add({ every: "90s", systemEvent: "poll" }, OWNER);
    const at = new Date(Math.ceil(odd.state.nextRunAt! / 1000) * 1000).toISOString().slice(0, 19);
    expect(await w.get(odd.id)).toMatchObject({
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: "UTC",
      ActionAfterCompletion: "DELETE",
    });

    await w.service.remove(job.id, OWNER);
    expect(await w.get(job.id)).toBeNull();
    expect(w.emulator.schedules().map((s) => s.name)).toEqual([`cron-${odd.id}`]);
  });

  it("runs an at() job once when every firing comes twice, and leaves no schedule behind", async () => {
    const w = await world({ duplicate: true });
    const job = await w.service.add({ at: "in 20m", message: "call mum", deliver: "none" }, OWNER);
    await w.advance(30 * MIN);
    expect(w.runs).toEqual([
      { id: job.id, runId: `cron:${job.id}:${job.state.nextRunAt}`, at: job.state.nextRunAt },
    ]);
    expect(w.outcomes.sort()).toEqual(["duplicate", "fired"]);
    expect((await w.service.get(job.id, OWNER)).state).toMatchObject({ lastStatus: "ok" });
    expect(w.emulator.schedules()).toEqual([]);
  });

  it("fires a cron job in Europe/Paris at 09:00 local time across the spring change", async () => {
    const w = await world({ start: Date.UTC(2026, 2, 27, 0, 0), duplicate: true });
    await w.service.add({ cron: "0 9 * * *", tz: "Europe/Paris", systemEvent: "coffee" }, OWNER);
    await w.advance(4 * 24 * 60 * MIN, 30 * MIN);
    expect(w.runs.map((r) => new Date(r.at).toISOString())).toEqual([
      "2026-03-27T08:00:00.000Z",
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
  });

  it("turns a failed run's backoff retry into a one-shot, and returns to the schedule once it works", async () => {
    const w = await world();
    const job = await w.service.add({ cron: "0 * * * *", systemEvent: "poll" }, OWNER);
    w.answers.push({ ok: false, error: "printer offline" });
    await w.advance(60 * MIN);
    const failed = await w.service.get(job.id, OWNER);
    expect(failed.state).toMatchObject({ lastStatus: "error", consecutiveErrors: 1 });
    expect((await w.get(job.id))?.ScheduleExpression).toBe("cron(0 * * * ? *)");
    // The next slot (an hour on) comes after the 30 s backoff, so the job simply follows its schedule.
    await w.advance(60 * MIN);
    expect(w.runs).toHaveLength(2);
    expect((await w.service.get(job.id, OWNER)).state).toMatchObject({
      lastStatus: "ok",
      consecutiveErrors: 0,
    });

    // Backoff longer than the interval (16 min after the 6th failure in a row) is a one-shot at().
    await w.service.remove(job.id, OWNER);
    const t0 = w.clock.now();
    const fast = await w.service.add({ every: "10m", systemEvent: "tick" }, OWNER);
    for (let i = 0; i < 6; i++) w.answers.push({ ok: false, error: "offline" });
    await w.advance(60 * MIN);
    const fastRuns = () => w.runs.filter((r) => r.id === fast.id).map((r) => (r.at - t0) / MIN);
    expect(fastRuns()).toEqual([10, 20, 30, 40, 50, 60]);
    const retryAt = new Date(t0 + 76 * MIN).toISOString().slice(0, 19);
    expect(await w.get(fast.id)).toMatchObject({
      ScheduleExpression: `at(${retryAt})`,
      ActionAfterCompletion: "DELETE",
    });
    await w.advance(16 * MIN);
    expect(fastRuns().at(-1)).toBe(76);
    const back = await w.get(fast.id);
    expect(back).toMatchObject({ ScheduleExpression: "rate(10 minutes)", ActionAfterCompletion: "NONE" });
    expect(back!.StartDate?.getTime()).toBe(t0 + 80 * MIN);
  });

  it("sets a running job's schedule to its stuck deadline, where a sweep clears it", async () => {
    const w = await world({ stuckMs: 30 * MIN });
    const job = await w.service.add({ every: "1h", message: "report", deliver: "none" }, OWNER);
    w.answers.push("started");
    await w.advance(60 * MIN);
    const running = await w.service.get(job.id, OWNER);
    expect(running.state.running).toBeDefined();
    const deadline = new Date(running.state.running!.since + 30 * MIN).toISOString().slice(0, 19);
    expect(await w.get(job.id)).toMatchObject({
      ScheduleExpression: `at(${deadline})`,
      ActionAfterCompletion: "DELETE",
    });
    await w.advance(30 * MIN);
    const cleared = await w.service.get(job.id, OWNER);
    expect(cleared.state).toMatchObject({ lastStatus: "stuck", consecutiveErrors: 1 });
    expect(cleared.state.running).toBeUndefined();
    expect((await w.get(job.id))?.ScheduleExpression).toMatch(/^(rate|at)\(/);
  });

  it("runs a job now through a one-shot a few seconds ahead, then returns it to its schedule", async () => {
    const w = await world();
    const job = await w.service.add({ cron: "0 9 * * *", systemEvent: "plants" }, OWNER);
    expect(await w.service.runNow(job.id, OWNER)).toEqual({ started: false });
    const soon = new Date(w.clock.now() + AT_LEAD_MS).toISOString().slice(0, 19);
    expect(await w.get(job.id)).toMatchObject({
      ScheduleExpression: `at(${soon})`,
      ActionAfterCompletion: "DELETE",
    });
    await w.advance(AT_LEAD_MS, 1_000);
    expect(w.runs.map((r) => r.runId)).toEqual([`cron:${job.id}:${w.clock.now() - AT_LEAD_MS}`]);
    expect((await w.get(job.id))?.ScheduleExpression).toBe("cron(0 9 * * ? *)");
  });

  it("keeps the heartbeat as a rate() schedule of its own while it is on", async () => {
    const w = await world();
    await w.alarm.setHeartbeat(30 * MIN);
    expect(
      await w.client.send(new GetScheduleCommand({ Name: HEARTBEAT_SCHEDULE, GroupName: TARGET.group })),
    ).toMatchObject({
      ScheduleExpression: "rate(30 minutes)",
      Target: {
        Input: JSON.stringify({ jobId: "heartbeat", scheduledTime: "<aws.scheduler.scheduled-time>" }),
      },
    });
    await w.alarm.setHeartbeat(undefined);
    await w.alarm.setHeartbeat(undefined);
    expect(w.emulator.schedules()).toEqual([]);
  });
});
